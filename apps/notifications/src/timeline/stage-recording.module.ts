import { Module } from '@nestjs/common';
import { RecordStageUsecase } from './record-stage.usecase';
import { TimelineRepository } from './timeline.repository';

/**
 * Recording stages in orders' timelines, on its own so that the features publishing this
 * service's events (roster, emails, deadlines) record them in the publishing transaction without
 * depending on the timeline's HTTP side (which reads the roster and the emails).
 */
@Module({
  providers: [TimelineRepository, RecordStageUsecase],
  exports: [TimelineRepository, RecordStageUsecase],
})
export class StageRecordingModule {}
