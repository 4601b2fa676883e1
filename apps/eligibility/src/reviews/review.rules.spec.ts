import { EligibilityError } from '../eligibility.errors';
import { decide, documentsNotVerified } from './review.rules';

const open = { reviewId: 'rev-1', state: 'OPEN' as const };

function thrown(work: () => unknown): EligibilityError {
  try {
    work();
  } catch (error) {
    if (error instanceof EligibilityError) return error;
    throw error;
  }
  throw new Error('expected an EligibilityError');
}

describe('review decisions', () => {
  it('approves when every required document is verified', () => {
    const docs = [
      { documentId: 'passport', status: 'VERIFIED' as const },
      { documentId: 'proof-of-address', status: 'VERIFIED' as const },
    ];
    expect(decide(open, docs, 'approve')).toBe('APPROVED');
  });

  it('refuses to approve while documents are pending or rejected, naming them', () => {
    const docs = [
      { documentId: 'passport', status: 'VERIFIED' as const },
      { documentId: 'proof-of-address', status: 'PENDING' as const },
      { documentId: 'register', status: 'REJECTED' as const },
    ];
    const error = thrown(() => decide(open, docs, 'approve'));
    expect(error.code).toBe('DOCUMENTS_NOT_VERIFIED');
    expect(error.details).toEqual({ missingDocuments: ['proof-of-address', 'register'] });
  });

  it('denies whatever the documents say', () => {
    expect(decide(open, [{ documentId: 'passport', status: 'VERIFIED' }], 'deny')).toBe('DENIED');
  });

  it.each(['APPROVED', 'DENIED', 'EXPIRED'] as const)(
    'refuses to decide a review that is %s',
    (state) => {
      const error = thrown(() => decide({ reviewId: 'rev-1', state }, [], 'deny'));
      expect(error.code).toBe('REVIEW_ALREADY_DECIDED');
    },
  );

  it('lists the documents not verified', () => {
    expect(
      documentsNotVerified([
        { documentId: 'a', status: 'VERIFIED' },
        { documentId: 'b', status: 'PENDING' },
      ]),
    ).toEqual(['b']);
  });
});
