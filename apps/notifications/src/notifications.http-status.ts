import { HttpStatus } from '@nestjs/common';
import { NotificationsErrorCode } from './notifications.error';

/** The HTTP status of each of notifications's error codes (the platform's one filter writes the body). */
export const NOTIFICATIONS_HTTP_STATUS: Record<NotificationsErrorCode, HttpStatus> = {
  REACTIVATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  ROSTER_EMPTY: HttpStatus.INTERNAL_SERVER_ERROR,
};
