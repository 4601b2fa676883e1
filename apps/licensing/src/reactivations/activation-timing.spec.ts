import { activationTiming } from './activation-timing';

const now = new Date('2026-11-23T12:00:00.000Z');
const at = (iso: string) => new Date(iso);

describe('activationTiming', () => {
  it('activates at once without a change window', () => {
    expect(activationTiming(null, now)).toEqual({ mode: 'NOW', windowMissed: false });
  });

  it('schedules for the start of a window that lies ahead', () => {
    const window = {
      startsAt: at('2026-11-24T02:00:00.000Z'),
      endsAt: at('2026-11-24T04:00:00.000Z'),
    };
    expect(activationTiming(window, now)).toEqual({ mode: 'SCHEDULE', at: window.startsAt });
  });

  it('activates at once inside an open window', () => {
    const window = {
      startsAt: at('2026-11-23T11:00:00.000Z'),
      endsAt: at('2026-11-23T13:00:00.000Z'),
    };
    expect(activationTiming(window, now)).toEqual({ mode: 'NOW', windowMissed: false });
  });

  it('still activates at once when the window has already ended, and says so', () => {
    const window = {
      startsAt: at('2026-11-23T09:00:00.000Z'),
      endsAt: at('2026-11-23T10:00:00.000Z'),
    };
    expect(activationTiming(window, now)).toEqual({ mode: 'NOW', windowMissed: true });
  });
});
