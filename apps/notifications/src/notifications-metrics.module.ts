import { Global, Module } from '@nestjs/common';
import { NotificationsMetrics } from './notifications.metrics';

@Global()
@Module({ providers: [NotificationsMetrics], exports: [NotificationsMetrics] })
export class NotificationsMetricsModule {}
