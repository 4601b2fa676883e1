import { ReasonCode } from '@app/contracts';
import {
  CaseChangeWindow,
  CaseOutcome,
  CaseState,
  EligibilityCaseEntity,
} from './eligibility-case.entity';

/** A case as ops and support see it over HTTP. */
export interface CaseResponse {
  orderId: string;
  accountId: string;
  state: CaseState;
  open: boolean;
  outcome: CaseOutcome | null;
  reasons: ReasonCode[];
  licenseIds: string[];
  holdIds: string[];
  changeWindow: CaseChangeWindow | null;
  reviewId: string | null;
  accountVersion: number | null;
  /** Until when the case waits (or waited) for its account's snapshot. */
  accountDeadline: string | null;
  checkedAt: string;
  decidedAt: string | null;
  closedAt: string | null;
}

export function toCaseResponse(c: EligibilityCaseEntity): CaseResponse {
  return {
    orderId: c.orderId,
    accountId: c.accountId,
    state: c.state,
    open: c.closedAt === null,
    outcome: c.outcome,
    reasons: c.reasons,
    licenseIds: c.licenseIds,
    holdIds: c.holdIds,
    changeWindow: c.changeWindow,
    reviewId: c.reviewId,
    accountVersion: c.accountVersion,
    accountDeadline: c.accountDeadline?.toISOString() ?? null,
    checkedAt: c.checkedAt.toISOString(),
    decidedAt: c.decidedAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
  };
}
