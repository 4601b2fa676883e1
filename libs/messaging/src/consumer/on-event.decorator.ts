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

/** The pattern a batch handler of an event type is registered under. */
export function batchPatternOf(type: string): string {
  return `${type}[]`;
}

/** The event type of a handler pattern, batch or not. */
export function eventTypeOfPattern(pattern: string): string {
  return pattern.endsWith('[]') ? pattern.slice(0, -2) : pattern;
}

/** Pattern extras naming the batch handler a pattern belongs to (see OnEvents). */
export interface BatchHandlerExtras {
  batchHandler?: string;
}

let batchHandlers = 0;

/**
 * Marks a controller method as the batch handler of one or more event contracts:
 * `@OnEvents(OrderPaid) handle(@Payload() batch: EventBatch<OrderPaid>)`.
 *
 * It gets, in order, every event of those types that follows one another in a chunk, all in the
 * chunk's transaction, so it can read and write them with a few set-based statements instead of
 * a few statements per event. A handler of several types (`@OnEvents(OrderPaid, OrderFulfilled)`)
 * gets a run mixing them, in the chunk's order. If it throws, the runtime retries each event of
 * the chunk alone (a batch of one) to find the culprit, as it does for `@OnEvent` handlers. An
 * event type has either batch handlers or per-event handlers, not both.
 */
export function OnEvents(...contracts: [EventContract, ...EventContract[]]): MethodDecorator {
  const extras: BatchHandlerExtras = {
    batchHandler: `${contracts.map((c) => c.type).join(',')}#${++batchHandlers}`,
  };
  return applyDecorators(
    EventPattern(
      contracts.map((c) => batchPatternOf(c.type)),
      extras as Record<string, unknown>,
    ),
    UseFilters(EventHandlerErrorFilter),
  );
}
