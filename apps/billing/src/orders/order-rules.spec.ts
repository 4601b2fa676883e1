import { BillingError } from '../billing.error';
import { checkChangeWindow } from './order-rules';

const now = new Date('2026-11-23T10:00:00Z');
const at = (iso: string) => new Date(iso);

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof BillingError ? error.code : 'OTHER';
  }
}

describe('checkChangeWindow', () => {
  const window = { startsAt: at('2026-11-24T22:00:00Z'), endsAt: at('2026-11-25T02:00:00Z') };

  it('accepts a future window when scheduled activation was bought, and none when it was not', () => {
    expect(codeOf(() => checkChangeWindow(true, window, now))).toBeUndefined();
    expect(codeOf(() => checkChangeWindow(false, undefined, now))).toBeUndefined();
  });

  it('requires a window when scheduled activation was bought', () => {
    expect(codeOf(() => checkChangeWindow(true, undefined, now))).toBe('CHANGE_WINDOW_REQUIRED');
  });

  it('refuses a window that was not paid for', () => {
    expect(codeOf(() => checkChangeWindow(false, window, now))).toBe('CHANGE_WINDOW_NOT_ALLOWED');
  });

  it('refuses a window that ends before it starts, or starts in the past', () => {
    const backwards = { startsAt: window.endsAt, endsAt: window.startsAt };
    const past = { startsAt: at('2026-11-23T09:00:00Z'), endsAt: at('2026-11-23T12:00:00Z') };
    const empty = { startsAt: window.startsAt, endsAt: window.startsAt };
    expect(codeOf(() => checkChangeWindow(true, backwards, now))).toBe('CHANGE_WINDOW_INVALID');
    expect(codeOf(() => checkChangeWindow(true, past, now))).toBe('CHANGE_WINDOW_INVALID');
    expect(codeOf(() => checkChangeWindow(true, empty, now))).toBe('CHANGE_WINDOW_INVALID');
  });

  it('refuses a window that ends more than 90 days ahead (no deadline would ever fire for 2099)', () => {
    const lastDay = { startsAt: at('2027-02-20T10:00:00Z'), endsAt: at('2027-02-21T10:00:00Z') };
    const beyond = { startsAt: at('2027-02-21T09:00:00Z'), endsAt: at('2027-02-21T10:00:01Z') };
    const far = { startsAt: at('2099-01-01T00:00:00Z'), endsAt: at('2099-01-01T04:00:00Z') };
    expect(codeOf(() => checkChangeWindow(true, lastDay, now))).toBeUndefined();
    expect(codeOf(() => checkChangeWindow(true, beyond, now))).toBe('CHANGE_WINDOW_INVALID');
    expect(codeOf(() => checkChangeWindow(true, far, now))).toBe('CHANGE_WINDOW_INVALID');
  });
});
