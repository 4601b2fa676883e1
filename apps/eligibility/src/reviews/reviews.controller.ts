import { UnitOfWork } from '@app/messaging';
import { actorOf, CurrentPrincipal, IdParam, Principal, Roles } from '@app/platform';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DecideReviewUsecase } from './decide-review.usecase';
import { GetReviewUsecase } from './get-review.usecase';
import { ListReviewsUsecase } from './list-reviews.usecase';
import { RecordDocumentUsecase } from './record-document.usecase';
import { DecideReviewBody, ListReviewsQuery, RecordDocumentBody } from './review.dto';
import { ReviewResponse } from './review.response';

/** Compliance reviews: ops check documents and decide; support may look. */
@Controller('reviews')
export class ReviewsController {
  constructor(
    private readonly listReviews: ListReviewsUsecase,
    private readonly getReview: GetReviewUsecase,
    private readonly recordDocument: RecordDocumentUsecase,
    private readonly decideReview: DecideReviewUsecase,
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Roles('support')
  list(@Query() query: ListReviewsQuery): Promise<ReviewResponse[]> {
    return this.listReviews.execute({ state: query.state }, this.dataSource.manager);
  }

  @Get(':reviewId')
  @Roles('support')
  get(@IdParam('reviewId') reviewId: string): Promise<ReviewResponse> {
    return this.getReview.execute({ reviewId }, this.dataSource.manager);
  }

  @Post(':reviewId/documents/:documentId')
  @HttpCode(200)
  record(
    @IdParam('reviewId') reviewId: string,
    @IdParam('documentId') documentId: string,
    @Body() body: RecordDocumentBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReviewResponse> {
    return this.uow.run({}, (tx) =>
      this.recordDocument.execute(
        { reviewId, documentId, status: body.status, actor: actorOf(principal) },
        tx,
      ),
    );
  }

  /** The use case names the saga (the review's order) on the events it publishes. */
  @Post(':reviewId/decision')
  @HttpCode(200)
  decide(
    @IdParam('reviewId') reviewId: string,
    @Body() body: DecideReviewBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReviewResponse> {
    return this.uow.run({}, (tx) =>
      this.decideReview.execute(
        { reviewId, decision: body.decision, note: body.note, actor: actorOf(principal) },
        tx,
      ),
    );
  }
}
