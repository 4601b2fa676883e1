import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { OutboxStateController } from './outbox-state.controller';

/** `/health/live`, `/health/ready`, `/metrics` and `/ops/outbox`, the same in every service. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, OutboxStateController],
})
export class HealthModule {}
