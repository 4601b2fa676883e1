import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ConsoleSession } from './session.store';

/** An HTTP request as the console's guard leaves it: with the signed-in session. */
export interface ConsoleRequest {
  headers: Record<string, string | undefined>;
  method: string;
  originalUrl: string;
  body?: Record<string, unknown>;
  session?: ConsoleSession;
}

/** The signed-in session of the request (the guard has checked it). */
export const CurrentSession = createParamDecorator(
  (_: unknown, context: ExecutionContext): ConsoleSession =>
    context.switchToHttp().getRequest<ConsoleRequest>().session!,
);

/** The few parts of express' response the console uses (cookies, redirects, status pages). */
export interface ConsoleResponse {
  status(code: number): ConsoleResponse;
  type(type: string): ConsoleResponse;
  send(body: string): ConsoleResponse;
  setHeader(name: string, value: string): void;
  cookie(
    name: string,
    value: string,
    options: { httpOnly: boolean; sameSite: 'strict'; secure: boolean; path: string },
  ): ConsoleResponse;
  clearCookie(name: string, options: { path: string }): ConsoleResponse;
  redirect(status: number, url: string): void;
}
