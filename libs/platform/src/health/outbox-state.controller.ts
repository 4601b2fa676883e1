import { OutboxState, readOutboxState } from '@app/messaging';
import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * `GET /ops/outbox` (ops only, the guard's default): the service's outbox rows waiting for the
 * relay and the rows it parked, for `ops outbox`, which reads no service's tables itself.
 */
@Controller('ops')
export class OutboxStateController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('outbox')
  outbox(): Promise<OutboxState> {
    return readOutboxState(this.dataSource.manager);
  }
}
