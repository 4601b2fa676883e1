import { EventContract } from '@app/contracts';
import {
  applyDecorators,
  ArgumentsHost,
  Catch,
  RpcExceptionFilter,
  UseFilters,
} from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';

/**
 * Lets a handler's error reach the runtime untouched, which decides: retry (transient) or dead
 * letter (permanent, with the error's code). Nest's default filter would replace it with a
 * generic "Internal server error".
 */
@Catch()
export class EventHandlerErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Marks a controller method as the handler of one event contract:
 * `@OnEvent(OrderPaid) handle(@Payload() event: CloudEvent<OrderPaid>, @Ctx() ctx: EventContext)`.
 */
export function OnEvent(contract: EventContract): MethodDecorator {
  return applyDecorators(EventPattern(contract.type), UseFilters(EventHandlerErrorFilter));
}
