/**
 * The plans the fault suite drives: every kind in turn, each account shaped so that its kind's
 * rule (and only it) decides the saga, ids unique within a run.
 */
import { OUTCOMES, planSagas, SAGA_KINDS, stageOfSubject } from './saga-kinds';

describe('chaos saga plans', () => {
  it('drive every kind, in turn, with ids unique in the run', () => {
    const plans = planSagas('r1', SAGA_KINDS.length * 2);
    expect(plans.map((p) => p.kind)).toEqual([...SAGA_KINDS, ...SAGA_KINDS]);
    const ids = plans.flatMap((p) => [
      p.accountId,
      ...p.licenseIds,
      p.other?.accountId ?? p.accountId,
    ]);
    expect(new Set(plans.map((p) => p.accountId)).size).toBe(plans.length);
    expect(ids.every((id) => id.startsWith('chr1-'))).toBe(true);
  });

  it('shape each account for its kind', () => {
    const byKind = Object.fromEntries(planSagas('r2', SAGA_KINDS.length).map((p) => [p.kind, p]));
    expect(byKind['account-terminated'].account.status).toBe('TERMINATED');
    expect(byKind['account-not-suspended'].account.licenses.map((l) => l.status)).toEqual([
      'ACTIVE',
    ]);
    expect(byKind['license-not-owned'].licenseIds).toContain(
      `${byKind['license-not-owned'].other!.accountId}-l1`,
    );
    expect(byKind['region-unsupported'].region).not.toBe(
      byKind['region-unsupported'].account.region,
    );
    expect([byKind.underpaid.paymentDelta, byKind.overpaid.paymentDelta]).toEqual([-100, 100]);
    expect(byKind['review-denied'].account.holds.map((h) => h.category)).toContain(
      'COMPLIANCE_HOLD',
    );
    expect(byKind['duplicate-payment'].secondPayment).toBe(true);
    expect(byKind['change-window'].changeWindowInSeconds).toBeGreaterThan(0);
  });

  it('know every email subject of the templates and every kind an outcome', () => {
    expect(stageOfSubject('Payment received for your service reactivation (order o1)')).toBe(
      'paid',
    );
    expect(stageOfSubject('A second payment for order o1 will be refunded')).toBe('secondPayment');
    expect(stageOfSubject('Your license expires on 2028-06-30')).toBeUndefined();
    for (const kind of SAGA_KINDS) expect(OUTCOMES[kind].emails.length).toBeGreaterThan(0);
  });
});
