import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ID_PATTERN } from '@app/contracts';
import { ServiceApiError } from '../../services/service-api';
import { ConsoleSettings } from '../console.settings';
import { query } from '../html/html';
import { ConsoleResponse, CurrentSession } from '../session/console-request';
import { ConsoleSession } from '../session/session.store';
import { Review, reviewsPage } from './reviews.page';

const STATES = new Set(['OPEN', 'APPROVED', 'DENIED', 'EXPIRED', 'WITHDRAWN']);

/**
 * The compliance review queue (eligibility's): ops record documents and decide with their own
 * token, so eligibility enforces the role and the deadline rule and audits who did it.
 */
@Controller('reviews')
export class ReviewsController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  async list(
    @CurrentSession() session: ConsoleSession,
    @Query('state') given?: string,
    @Query() outcome: Record<string, unknown> = {},
  ): Promise<string> {
    const state = given && STATES.has(given) ? given : 'OPEN';
    // Soonest deadline first, each with its audit trail.
    const reviews = await this.settings
      .apiFor(session)
      .get<Review[]>('eligibility', `/reviews?state=${state}`);
    return reviewsPage(session, state, reviews, new Date(), outcomeMessages(outcome));
  }

  @Post(':reviewId/documents/:documentId')
  async recordDocument(
    @CurrentSession() session: ConsoleSession,
    @Param('reviewId') reviewId: string,
    @Param('documentId') documentId: string,
    @Body() body: { status?: unknown },
    @Res() response: ConsoleResponse,
  ): Promise<void> {
    assertIds(reviewId, documentId);
    const status = body.status === 'VERIFIED' || body.status === 'REJECTED' ? body.status : '';
    await this.act(response, reviewId, { done: 'document', document: documentId, status }, () =>
      this.settings
        .apiFor(session)
        .post('eligibility', `/reviews/${reviewId}/documents/${documentId}`, {
          status: body.status,
        }),
    );
  }

  @Post(':reviewId/decision')
  async decide(
    @CurrentSession() session: ConsoleSession,
    @Param('reviewId') reviewId: string,
    @Body() body: { decision?: unknown; note?: unknown },
    @Res() response: ConsoleResponse,
  ): Promise<void> {
    assertIds(reviewId);
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim() : undefined;
    await this.act(
      response,
      reviewId,
      { done: body.decision === 'approve' ? 'approved' : 'denied' },
      () =>
        this.settings
          .apiFor(session)
          .post('eligibility', `/reviews/${reviewId}/decision`, { decision: body.decision, note }),
    );
  }

  /** Post, then redirect (so a reload does not act twice) with what happened or why not. */
  private async act(
    response: ConsoleResponse,
    reviewId: string,
    done: Record<string, string>,
    action: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await action();
      response.redirect(303, `/reviews${query({ ...done, review: reviewId })}#review-${reviewId}`);
    } catch (error) {
      if (!(error instanceof ServiceApiError) || error.status === 0 || error.status >= 500)
        throw error;
      response.redirect(
        303,
        `/reviews${query({ problem: error.code, review: reviewId })}#review-${reviewId}`,
      );
    }
  }
}

/**
 * The notice after an action, rebuilt from the redirect's parameters, each checked against what it
 * may be: a link someone crafts can show nothing but these sentences about a well-formed id.
 */
export function outcomeMessages(outcome: Record<string, unknown>): {
  done?: string;
  problem?: string;
} {
  const id = (value: unknown) =>
    typeof value === 'string' && ID_PATTERN.test(value) ? value : undefined;
  const review = id(outcome.review);
  if (!review) return {};
  if (typeof outcome.problem === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(outcome.problem))
    return { problem: `review ${review}: eligibility refused (${outcome.problem})` };
  if (outcome.done === 'approved' || outcome.done === 'denied')
    return { done: `review ${review}: ${outcome.done}` };
  const document = id(outcome.document);
  if (
    outcome.done === 'document' &&
    document &&
    /^(VERIFIED|REJECTED)$/.test(String(outcome.status))
  )
    return { done: `${document} recorded as ${String(outcome.status)}` };
  return {};
}

function assertIds(...ids: string[]): void {
  if (!ids.every((id) => ID_PATTERN.test(id))) throw new BadRequestException('not an id');
}
