import { ReactivationCaseEntity } from './reactivation-case.entity';

/** GET /reactivations/:orderId: where the case stands. */
export function toReactivationView(reactivation: ReactivationCaseEntity) {
  return {
    orderId: reactivation.orderId,
    accountId: reactivation.accountId,
    state: reactivation.state,
    licenseIds: reactivation.licenseIds,
    holdIds: reactivation.holdIds,
    changeWindow:
      reactivation.windowStartsAt && reactivation.windowEndsAt
        ? {
            startsAt: reactivation.windowStartsAt.toISOString(),
            endsAt: reactivation.windowEndsAt.toISOString(),
          }
        : null,
    scheduledFor: reactivation.scheduledFor?.toISOString() ?? null,
    windowMissed: reactivation.windowMissed,
    reasons: reactivation.reasons,
    resuspendedLicenseIds: reactivation.resuspendedLicenseIds,
    clearedHoldIds: reactivation.clearedHoldIds,
    note: reactivation.note,
    verifiedAt: reactivation.verifiedAt.toISOString(),
    createdAt: reactivation.createdAt.toISOString(),
    completedAt: reactivation.completedAt?.toISOString() ?? null,
  };
}

export type ReactivationView = ReturnType<typeof toReactivationView>;
