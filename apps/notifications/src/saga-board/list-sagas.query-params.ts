import { IsId } from '@app/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { SagaView, SagaViews } from './saga-board.query';

/** `GET /sagas?view=&accountId=&orderId=&region=&stage=&contactId=&limit=` */
export class ListSagasParams {
  @IsOptional() @IsIn(SagaViews) view?: SagaView;
  @IsOptional() @IsId() accountId?: string;
  @IsOptional() @IsId() orderId?: string;
  @IsOptional()
  @Matches(/^[A-Z]{2,8}$/, { message: 'region is a region code (EU, US, …)' })
  region?: string;
  @IsOptional()
  @Matches(/^[A-Za-z]{1,64}$/, { message: 'stage is an event type (OrderPaid, …)' })
  stage?: string;
  @IsOptional() @IsId() contactId?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
