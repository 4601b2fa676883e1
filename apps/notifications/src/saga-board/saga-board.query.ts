import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The lists of the support and ops console: where sagas stand, by what waits on them. */
export const SagaViews = ['in-flight', 'waiting', 'stalled', 'refunded', 'fulfilled'] as const;
export type SagaView = (typeof SagaViews)[number];

export interface SagaBoardFilter {
  view?: SagaView;
  accountId?: string;
  orderId?: string;
  region?: string;
  /** The furthest stage reached (an event type). */
  stage?: string;
  contactId?: string;
  /** A support person's own contact: their cases come first. */
  firstContactId?: string;
  limit: number;
}

export interface SagaBoardRow {
  orderId: string;
  accountId: string;
  status: string;
  progressStage: string | null;
  progressAt: Date | null;
  stalledStage: string | null;
  windowEndsAt: Date | null;
  reviewDeadline: Date | null;
  stallDeadline: Date | null;
  region: string | null;
  contactId: string | null;
  contactName: string | null;
}

interface Row {
  order_id: string;
  account_id: string;
  status: string;
  progress_stage: string | null;
  progress_at: Date | null;
  stalled_stage: string | null;
  window_ends_at: Date | null;
  review_deadline: Date | null;
  stall_deadline: Date | null;
  region: string | null;
  contact_id: string | null;
  contact_name: string | null;
}

/** Stuck at its current stage: reported stalled there, and neither ended nor with ops already. */
const STALLED = `(r.stalled_stage IS NOT NULL AND r.stalled_stage = r.progress_stage
  AND r.status NOT IN ('FULFILLED', 'REFUNDED', 'MANUAL_HANDLING'))`;

const VIEW_CONDITIONS: Record<SagaView, string> = {
  'in-flight': `r.status IN ('PAID', 'VERIFIED', 'RESTORED', 'REFUND_PENDING') AND NOT ${STALLED}`,
  waiting: `r.status IN ('IN_REVIEW', 'SCHEDULED', 'MANUAL_HANDLING') AND NOT ${STALLED}`,
  stalled: STALLED,
  refunded: `r.status = 'REFUNDED'`,
  fulfilled: `r.status = 'FULFILLED'`,
};

/** Reads the sagas' summaries with their case's region and support contact (no customer data). */
@Injectable()
export class SagaBoardQuery {
  async list(manager: EntityManager, filter: SagaBoardFilter): Promise<SagaBoardRow[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const bind = (value: unknown): string => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (filter.view) conditions.push(VIEW_CONDITIONS[filter.view]);
    if (filter.accountId) conditions.push(`r.account_id = ${bind(filter.accountId)}`);
    if (filter.orderId) conditions.push(`r.order_id = ${bind(filter.orderId)}`);
    if (filter.region) conditions.push(`c.region = ${bind(filter.region)}`);
    if (filter.stage) conditions.push(`r.progress_stage = ${bind(filter.stage)}`);
    if (filter.contactId) conditions.push(`c.contact_id = ${bind(filter.contactId)}`);
    const mineFirst = filter.firstContactId
      ? `(c.contact_id IS NOT DISTINCT FROM ${bind(filter.firstContactId)}) DESC, `
      : '';
    // Open sagas: the longest waiting first; ended ones: the latest first.
    const byTime =
      filter.view === 'refunded' || filter.view === 'fulfilled'
        ? 'r.progress_at DESC NULLS LAST'
        : 'r.progress_at ASC NULLS LAST';
    const rows: Row[] = await manager.query(
      `SELECT r.order_id, r.account_id, r.status, r.progress_stage, r.progress_at, r.stalled_stage,
              r.window_ends_at, r.review_deadline, r.stall_deadline,
              c.region, c.contact_id, k.name AS contact_name
         FROM reactivations r
         LEFT JOIN support_cases c ON c.order_id = r.order_id
         LEFT JOIN support_contacts k ON k.contact_id = c.contact_id
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY ${mineFirst}${byTime}, r.order_id
        LIMIT ${bind(filter.limit)}`,
      parameters,
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      accountId: row.account_id,
      status: row.status,
      progressStage: row.progress_stage,
      progressAt: row.progress_at,
      stalledStage: row.stalled_stage,
      windowEndsAt: row.window_ends_at,
      reviewDeadline: row.review_deadline,
      stallDeadline: row.stall_deadline,
      region: row.region,
      contactId: row.contact_id,
      contactName: row.contact_name,
    }));
  }
}
