import { ConsumerGroups } from '@app/contracts';
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { DeadLetterFilter } from '../../dlq/dead-letter';
import { DeadLetterReader } from '../../dlq/dead-letter.reader';
import { RedriveDeadLetters } from '../../dlq/redrive-dead-letters';
import { OpsKafka } from '../../kafka/ops-kafka';
import { MeasureLag } from '../../lag/measure-lag';
import { ConsoleResponse, CurrentSession } from '../session/console-request';
import { ConsoleSession } from '../session/session.store';
import {
  deadLettersPage,
  redriveFailedPage,
  redrivePage,
  redriveProgressPage,
  RedriveRequest,
} from './dead-letters.page';
import { RedriveJobs } from './redrive-jobs';

const GROUPS: string[] = Object.values(ConsumerGroups);

/**
 * Dead letters per group with their reasons, lag per group, and redrives as `ops dlq redrive`
 * does them: a dry run first, then a confirmation, each sent dead letter marked (who and when) on
 * ops' durable marker topic so it is never sent twice.
 */
@Controller('dead-letters')
export class DeadLettersController {
  constructor(
    private readonly kafka: OpsKafka,
    private readonly jobs: RedriveJobs,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  async list(
    @CurrentSession() session: ConsoleSession,
    @Query('group') given?: string,
  ): Promise<string> {
    const selected = typeof given === 'string' && GROUPS.includes(given) ? given : undefined;
    const groups = selected ? [selected] : GROUPS;
    const [found, lag] = await Promise.all([
      new DeadLetterReader(this.kafka).list(groups),
      new MeasureLag(this.kafka).execute(GROUPS, new Date()),
    ]);
    return deadLettersPage(
      session,
      GROUPS,
      selected,
      found.map((f) => f.letter),
      lag,
    );
  }

  /**
   * A dry run answers at once with what would be sent; a confirmed redrive runs in the background
   * and the browser is sent to its page, which shows its progress until it ends.
   */
  @Post('redrive')
  async redrive(
    @CurrentSession() session: ConsoleSession,
    @Body() body: Record<string, unknown>,
    @Res() response: ConsoleResponse,
  ): Promise<void> {
    if (session.role !== 'ops') throw new ForbiddenException('redrives are done by ops');
    const text = (name: string): string | undefined => {
      const value = body[name];
      return typeof value === 'string' && value.trim() ? value.trim() : undefined;
    };
    const group = text('group');
    const filter: DeadLetterFilter = {};
    for (const key of ['id', 'code', 'type', 'topic'] as const) {
      const value = text(key);
      if (value) filter[key] = value;
    }
    const request: RedriveRequest = {
      group: group && GROUPS.includes(group) ? group : undefined,
      filter,
    };
    const command = {
      groups: request.group ? [request.group] : GROUPS,
      filter,
      by: `${session.role}:${session.tokenId}`,
    };
    const redrive = new RedriveDeadLetters(this.kafka);
    if (text('confirm') !== 'yes') {
      const result = await redrive.execute({ ...command, dryRun: true }, () => new Date());
      response
        .status(200)
        .type('html')
        .send(redrivePage(session, request, result));
      return;
    }
    const job = this.jobs.start(session.id, request, (progress) =>
      redrive.execute({ ...command, dryRun: false }, () => new Date(), progress),
    );
    response.redirect(303, `/dead-letters/redrives/${job.id}`);
  }

  @Get('redrives/:jobId')
  @Header('content-type', 'text/html; charset=utf-8')
  redriveJob(@CurrentSession() session: ConsoleSession, @Param('jobId') jobId: string): string {
    const job = this.jobs.find(jobId, session.id);
    if (!job) throw new NotFoundException('no such redrive of yours');
    if (job.result) return redrivePage(session, job.request, job.result);
    if (job.error !== undefined) return redriveFailedPage(session, job.request, job.error);
    return redriveProgressPage(session, job.request, job.done, job.total);
  }
}
