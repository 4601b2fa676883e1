import { Module } from '@nestjs/common';
import { RecordStagesUsecase } from './record-stages.usecase';
import { TimelinePort } from './timeline.port';
import { TimelineRepository } from './timeline.repository';

/**
 * Orders' timelines: every saga event of an order as a stage with its time, and the summary of
 * where each saga stands. The features that publish this service's events record them here, in the
 * publishing transaction; this feature depends on none of them.
 */
@Module({
  providers: [TimelineRepository, TimelinePort, RecordStagesUsecase],
  exports: [TimelinePort, RecordStagesUsecase],
})
export class TimelineModule {}
