import { Module } from '@nestjs/common';
import { ListSagasUsecase } from './list-sagas.usecase';
import { SagaBoardQuery } from './saga-board.query';
import { SagasController } from './sagas.controller';

/** Read-only lists of sagas for the support and ops console (`GET /sagas`). */
@Module({
  controllers: [SagasController],
  providers: [SagaBoardQuery, ListSagasUsecase],
})
export class SagaBoardModule {}
