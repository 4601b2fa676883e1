import { EligibilityError } from '../eligibility.errors';
import { assertApprovableAt, decide, documentsNotVerified } from './review.rules';

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

  it('refuses an approval once the deadline has passed, even before the sweeper expired it', () => {
    const review = { reviewId: 'rev-1', deadline: new Date('2026-11-30T10:00:00Z') };
    expect(() =>
      assertApprovableAt(review, 'approve', new Date('2026-11-30T09:59:59Z')),
    ).not.toThrow();
    const late = thrown(() => assertApprovableAt(review, 'approve', review.deadline));
    expect(late.code).toBe('REVIEW_DEADLINE_PASSED');
    // A denial after the deadline rejects the order as the sweeper would: it stays allowed.
    expect(() =>
      assertApprovableAt(review, 'deny', new Date('2026-12-01T00:00:00Z')),
    ).not.toThrow();
  });
});
