import { ID_PATTERN } from '@app/contracts';
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Param,
  Query,
  Redirect,
} from '@nestjs/common';
import { OpsKafka } from '../../kafka/ops-kafka';
import { InspectSaga } from '../../saga/inspect-saga';
import { ServiceApiError } from '../../services/service-api';
import { ConsoleSettings } from '../console.settings';
import { query } from '../html/html';
import { CurrentSession } from '../session/console-request';
import { ConsoleSession } from '../session/session.store';
import { OrderTimeline, SagaFilters, sagaPage, SagaSummary, sagasPage } from './sagas.page';

const FILTERS: (keyof SagaFilters)[] = [
  'view',
  'accountId',
  'orderId',
  'region',
  'stage',
  'contactId',
];

/** The sagas' lists (from notifications) and one saga's whole story. */
@Controller()
export class SagasController {
  constructor(
    private readonly settings: ConsoleSettings,
    private readonly kafka: OpsKafka,
  ) {}

  @Get()
  @Redirect('/sagas', 303)
  home(): void {}

  @Get('sagas')
  @Header('content-type', 'text/html; charset=utf-8')
  async list(
    @CurrentSession() session: ConsoleSession,
    @Query() given: Record<string, unknown>,
  ): Promise<string> {
    const filters: SagaFilters = {};
    for (const name of FILTERS) {
      const value = given[name];
      if (typeof value === 'string' && value.trim()) filters[name] = value.trim();
    }
    try {
      const { sagas } = await this.settings
        .apiFor(session)
        .get<{ sagas: SagaSummary[] }>('notifications', `/sagas${query({ ...filters })}`);
      return sagasPage(session, filters, sagas);
    } catch (error) {
      if (error instanceof ServiceApiError && error.status === 400)
        return sagasPage(session, filters, [], `These filters are not valid: ${error.message}`);
      throw error;
    }
  }

  @Get('sagas/:orderId')
  @Header('content-type', 'text/html; charset=utf-8')
  async show(
    @CurrentSession() session: ConsoleSession,
    @Param('orderId') orderId: string,
  ): Promise<string> {
    if (!ID_PATTERN.test(orderId)) throw new BadRequestException('this is not an order id');
    const api = this.settings.apiFor(session);
    const [report, timeline] = await Promise.all([
      new InspectSaga(this.kafka, api).execute(orderId, {
        now: new Date(),
        stuckAfterMs: this.settings.stuckAfterMs,
      }),
      api
        .get<OrderTimeline>('notifications', `/reactivations/${orderId}`)
        .catch((error: unknown) => {
          if (error instanceof ServiceApiError && error.status === 404) return null;
          throw error;
        }),
    ]);
    const eligibility = report.services.find((s) => s.service === 'eligibility');
    const reviewId = eligibility?.fields?.reviewId;
    return sagaPage(session, report, timeline, typeof reviewId === 'string' ? reviewId : null);
  }
}
