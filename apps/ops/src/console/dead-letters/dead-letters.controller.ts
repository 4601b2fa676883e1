import { ConsumerGroups } from '@app/contracts';
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  HttpCode,
  Post,
  Query,
} from '@nestjs/common';
import { DeadLetterFilter } from '../../dlq/dead-letter';
import { DeadLetterReader } from '../../dlq/dead-letter.reader';
import { RedriveDeadLetters } from '../../dlq/redrive-dead-letters';
import { OpsKafka } from '../../kafka/ops-kafka';
import { MeasureLag } from '../../lag/measure-lag';
import { CurrentSession } from '../session/console-request';
import { ConsoleSession } from '../session/session.store';
import { deadLettersPage, redrivePage, RedriveRequest } from './dead-letters.page';

const GROUPS: string[] = Object.values(ConsumerGroups);

/**
 * Dead letters per group with their reasons, lag per group, and redrives as `ops dlq redrive`
 * does them: a dry run first, then a confirmation, each sent dead letter marked (who and when) on
 * ops' durable marker topic so it is never sent twice.
 */
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly kafka: OpsKafka) {}

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

  @Post('redrive')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  async redrive(
    @CurrentSession() session: ConsoleSession,
    @Body() body: Record<string, unknown>,
  ): Promise<string> {
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
    const result = await new RedriveDeadLetters(this.kafka).execute(
      {
        groups: request.group ? [request.group] : GROUPS,
        filter,
        dryRun: text('confirm') !== 'yes',
        by: `${session.role}:${session.tokenId}`,
      },
      () => new Date(),
    );
    return redrivePage(session, request, result);
  }
}
