import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** One audited action on a review: a document's check or the decision. */
export interface ReviewAuditEntry {
  /** `DOCUMENT_VERIFIED`, `DOCUMENT_REJECTED`, `APPROVED`, `DENIED`. */
  action: string;
  /** What it was done to (the document id), when not the review itself. */
  subject: string | null;
  /** Who: role and token id (`ops:3f2a…`), never the token. */
  actor: string;
  at: Date;
}

/** The review's audit trail, written in the transaction of the action it records. */
@Injectable()
export class ReviewAuditRepository {
  async record(manager: EntityManager, reviewId: string, entry: ReviewAuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO review_audit (review_id, action, subject, actor, at) VALUES ($1, $2, $3, $4, $5)`,
      [reviewId, entry.action, entry.subject, entry.actor, entry.at],
    );
  }

  async of(manager: EntityManager, reviewId: string): Promise<ReviewAuditEntry[]> {
    return (await this.ofMany(manager, [reviewId])).get(reviewId) ?? [];
  }

  /** The trails of these reviews, by review id, each in the order it was written. */
  async ofMany(
    manager: EntityManager,
    reviewIds: string[],
  ): Promise<Map<string, ReviewAuditEntry[]>> {
    const trails = new Map<string, ReviewAuditEntry[]>();
    if (reviewIds.length === 0) return trails;
    const rows = await manager.query<
      { review_id: string; action: string; subject: string | null; actor: string; at: Date }[]
    >(
      `SELECT review_id, action, subject, actor, at FROM review_audit
        WHERE review_id = ANY($1::text[]) ORDER BY id`,
      [reviewIds],
    );
    for (const row of rows) {
      const trail = trails.get(row.review_id) ?? [];
      trail.push({ action: row.action, subject: row.subject, actor: row.actor, at: row.at });
      trails.set(row.review_id, trail);
    }
    return trails;
  }
}
