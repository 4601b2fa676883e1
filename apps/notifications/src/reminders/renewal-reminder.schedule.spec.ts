import { renewalReminderDueAt } from './renewal-reminder.schedule';

const now = new Date('2026-11-23T10:00:00.000Z');

describe('renewal reminder schedule', () => {
  it('reminds the given number of days before expiry', () => {
    expect(renewalReminderDueAt(new Date('2027-06-30T00:00:00.000Z'), 30, now)).toEqual(
      new Date('2027-05-31T00:00:00.000Z'),
    );
  });

  it('reminds at once when expiry is closer than that', () => {
    expect(renewalReminderDueAt(new Date('2026-12-01T00:00:00.000Z'), 30, now)).toEqual(now);
  });

  it('never reminds about a license already expired', () => {
    expect(renewalReminderDueAt(new Date('2026-11-01T00:00:00.000Z'), 30, now)).toBeNull();
  });
});
