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
    const rows: { action: string; subject: string | null; actor: string; at: Date }[] =
      await manager.query(
        `SELECT action, subject, actor, at FROM review_audit WHERE review_id = $1 ORDER BY id`,
        [reviewId],
      );
    return rows.map((row) => ({
      action: row.action,
      subject: row.subject,
      actor: row.actor,
      at: row.at,
    }));
  }
}
