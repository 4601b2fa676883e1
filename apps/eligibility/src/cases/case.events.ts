import { EligibilityRejected, EligibilityVerified, ReasonCode } from '@app/contracts';
import { EligibilityCaseEntity } from './eligibility-case.entity';

/** The EligibilityVerified of a case: its licenses, every active hold to clear, its change window. */
export function eligibilityVerifiedOf(c: EligibilityCaseEntity, now: Date): EligibilityVerified {
  return {
    orderId: c.orderId,
    accountId: c.accountId,
    licenseIds: c.licenseIds,
    holdIds: c.holdIds,
    ...(c.changeWindow
      ? { changeWindow: { startsAt: c.changeWindow.startsAt, endsAt: c.changeWindow.endsAt } }
      : {}),
    verifiedAt: now.toISOString(),
  };
}

export function eligibilityRejectedOf(
  c: { orderId: string; accountId: string },
  reasons: ReasonCode[],
  now: Date,
): EligibilityRejected {
  return { orderId: c.orderId, accountId: c.accountId, reasons, rejectedAt: now.toISOString() };
}
