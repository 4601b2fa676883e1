import { outcomeMessages } from './reviews.controller';

describe("the reviews page's notice after an action", () => {
  it('says what was done, from checked parts', () => {
    expect(outcomeMessages({ review: 'rev-1', done: 'approved' })).toEqual({
      done: 'review rev-1: approved',
    });
    expect(
      outcomeMessages({
        review: 'rev-1',
        done: 'document',
        document: 'passport',
        status: 'VERIFIED',
      }),
    ).toEqual({ done: 'passport recorded as VERIFIED' });
    expect(outcomeMessages({ review: 'rev-1', problem: 'REVIEW_DEADLINE_PASSED' })).toEqual({
      problem: 'review rev-1: eligibility refused (REVIEW_DEADLINE_PASSED)',
    });
  });

  it('shows nothing of a crafted link: free text, a bad id, an unknown outcome', () => {
    expect(outcomeMessages({ review: 'rev-1', done: 'Call +1 555 0100 to confirm' })).toEqual({});
    expect(
      outcomeMessages({ review: 'rev-1', problem: 'Your account is closed, call us' }),
    ).toEqual({});
    expect(outcomeMessages({ review: '<b>x</b>', done: 'approved' })).toEqual({});
    expect(
      outcomeMessages({ review: 'rev-1', done: 'document', document: 'p', status: 'PAID IN FULL' }),
    ).toEqual({});
    expect(outcomeMessages({ done: 'approved' })).toEqual({});
  });
});
