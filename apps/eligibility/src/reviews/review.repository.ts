import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DocumentStatus, ReviewDocumentEntity } from './review-document.entity';
import { ReviewEntity, ReviewState } from './review.entity';

export interface ReviewWithDocuments {
  review: ReviewEntity;
  documents: ReviewDocumentEntity[];
}

/** Reviews and their required documents (one aggregate). Methods take the transaction's manager. */
@Injectable()
export class ReviewRepository {
  async insert(manager: EntityManager, review: ReviewEntity, documentIds: string[]): Promise<void> {
    await manager.insert(ReviewEntity, review);
    await manager.insert(
      ReviewDocumentEntity,
      [...new Set(documentIds)].map((documentId) => ({
        reviewId: review.reviewId,
        documentId,
        status: 'PENDING' as const,
        recordedAt: null,
      })),
    );
  }

  async findById(manager: EntityManager, reviewId: string): Promise<ReviewWithDocuments | null> {
    const review = await manager.findOneBy(ReviewEntity, { reviewId });
    return review ? { review, documents: await this.documentsOf(manager, reviewId) } : null;
  }

  /**
   * Reads a review locking its row until the transaction ends, so a document check and a decision
   * on the same review never interleave.
   */
  async findByIdForUpdate(
    manager: EntityManager,
    reviewId: string,
  ): Promise<ReviewWithDocuments | null> {
    const review = await manager
      .createQueryBuilder(ReviewEntity, 'r')
      .setLock('pessimistic_write')
      .where('r.review_id = :reviewId', { reviewId })
      .getOne();
    return review ? { review, documents: await this.documentsOf(manager, reviewId) } : null;
  }

  async findByOrderId(manager: EntityManager, orderId: string): Promise<ReviewEntity | null> {
    return manager.findOneBy(ReviewEntity, { orderId });
  }

  async list(
    manager: EntityManager,
    state: ReviewState | undefined,
    limit: number,
  ): Promise<ReviewWithDocuments[]> {
    const reviews = await manager.find(ReviewEntity, {
      where: state ? { state } : {},
      order: { deadline: 'ASC' },
      take: limit,
    });
    if (reviews.length === 0) return [];
    const documents = await manager
      .createQueryBuilder(ReviewDocumentEntity, 'd')
      .where('d.review_id IN (:...ids)', { ids: reviews.map((r) => r.reviewId) })
      .orderBy('d.document_id')
      .getMany();
    return reviews.map((review) => ({
      review,
      documents: documents.filter((d) => d.reviewId === review.reviewId),
    }));
  }

  /** Records a document check; false when the review does not require that document. */
  async recordDocument(
    manager: EntityManager,
    reviewId: string,
    documentId: string,
    status: DocumentStatus,
    now: Date,
  ): Promise<boolean> {
    const result = await manager.update(
      ReviewDocumentEntity,
      { reviewId, documentId },
      { status, recordedAt: now },
    );
    return result.affected === 1;
  }

  /** Closes an open review; false when it was no longer open (someone else decided first). */
  async conclude(
    manager: EntityManager,
    reviewId: string,
    state: Exclude<ReviewState, 'OPEN'>,
    now: Date,
    note: string | null,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ReviewEntity)
      .set({ state, decidedAt: now, decisionNote: note })
      .where("review_id = :reviewId AND state = 'OPEN'", { reviewId })
      .execute();
    return result.affected === 1;
  }

  /** Expires an open review whose deadline has passed; null if it was decided or is not due. */
  async expireIfDue(
    manager: EntityManager,
    reviewId: string,
    now: Date,
  ): Promise<ReviewEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .update(ReviewEntity)
      .set({ state: 'EXPIRED', decidedAt: now })
      .where("review_id = :reviewId AND state = 'OPEN' AND deadline <= :now", { reviewId, now })
      .execute();
    return result.affected === 1 ? manager.findOneBy(ReviewEntity, { reviewId }) : null;
  }

  /** Open reviews past their deadline, oldest first. */
  async findDue(
    manager: EntityManager,
    now: Date,
    limit: number,
  ): Promise<{ reviewId: string; orderId: string }[]> {
    const reviews = await manager
      .createQueryBuilder(ReviewEntity, 'r')
      .select(['r.reviewId', 'r.orderId'])
      .where("r.state = 'OPEN' AND r.deadline <= :now", { now })
      .orderBy('r.deadline', 'ASC')
      .limit(limit)
      .getMany();
    return reviews.map((r) => ({ reviewId: r.reviewId, orderId: r.orderId }));
  }

  private documentsOf(manager: EntityManager, reviewId: string): Promise<ReviewDocumentEntity[]> {
    return manager.find(ReviewDocumentEntity, {
      where: { reviewId },
      order: { documentId: 'ASC' },
    });
  }
}
