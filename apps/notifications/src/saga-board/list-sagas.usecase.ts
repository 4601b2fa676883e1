import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { displayedStatus } from '../timeline/saga-status';
import { SagaBoardFilter, SagaBoardQuery, SagaBoardRow, SagaView } from './saga-board.query';

/** One saga in the console's lists: where it stands, since when, and who supports it. */
export interface SagaSummaryView {
  orderId: string;
  accountId: string;
  /** As the customer's status page says it (STALLED while stuck at its stage). */
  status: string;
  view: SagaView | null;
  stage: string | null;
  /** When the saga reached its stage, and how long it has been there (seconds). */
  stageSince: string | null;
  secondsInStage: number | null;
  /** What it legitimately waits for, when it does: the change window's end, the review deadline. */
  waitingUntil: string | null;
  stallDeadline: string | null;
  region: string | null;
  supportContact: { contactId: string; name: string } | null;
}

/** The sagas of one list (or all), filtered, a support person's own cases first. */
@Injectable()
export class ListSagasUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly board: SagaBoardQuery,
  ) {}

  async execute(filter: SagaBoardFilter, now: Date): Promise<SagaSummaryView[]> {
    const rows = await this.board.list(this.dataSource.manager, filter);
    return rows.map((row) => summaryOf(row, now));
  }
}

export function summaryOf(row: SagaBoardRow, now: Date): SagaSummaryView {
  const status = displayedStatus({
    status: row.status as Parameters<typeof displayedStatus>[0]['status'],
    progressStage: row.progressStage,
    stalledStage: row.stalledStage,
  });
  const waitingUntil =
    status === 'IN_REVIEW' ? row.reviewDeadline : status === 'SCHEDULED' ? row.windowEndsAt : null;
  return {
    orderId: row.orderId,
    accountId: row.accountId,
    status,
    view: viewOf(status),
    stage: row.progressStage,
    stageSince: row.progressAt?.toISOString() ?? null,
    secondsInStage: row.progressAt
      ? Math.max(0, Math.floor((now.getTime() - row.progressAt.getTime()) / 1000))
      : null,
    waitingUntil: waitingUntil?.toISOString() ?? null,
    stallDeadline: row.stallDeadline?.toISOString() ?? null,
    region: row.region,
    supportContact:
      row.contactId && row.contactName ? { contactId: row.contactId, name: row.contactName } : null,
  };
}

function viewOf(status: string): SagaView | null {
  switch (status) {
    case 'STALLED':
      return 'stalled';
    case 'FULFILLED':
      return 'fulfilled';
    case 'REFUNDED':
      return 'refunded';
    case 'IN_REVIEW':
    case 'SCHEDULED':
    case 'MANUAL_HANDLING':
      return 'waiting';
    case 'PAID':
    case 'VERIFIED':
    case 'RESTORED':
    case 'REFUND_PENDING':
      return 'in-flight';
    default:
      return null;
  }
}
