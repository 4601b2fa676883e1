import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OpsKafka } from '../kafka/ops-kafka';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsoleModule } from './console.module';
import { ConsoleSettings } from './console.settings';

/** No script, styles from this origin, forms only to this origin, never framed. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

interface HeaderTarget {
  setHeader(name: string, value: string): void;
}

/** Starts the console's HTTP server; resolves once it listens. */
export async function startConsole(
  settings: ConsoleSettings,
  kafka: OpsKafka,
  listen: { port: number; host: string },
  log: (line: string) => void,
): Promise<INestApplication> {
  const app = await NestFactory.create(ConsoleModule.register(settings, kafka), {
    logger: ['error', 'warn'],
  });
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable(
    'x-powered-by',
  );
  app.use((_request: unknown, response: HeaderTarget, next: () => void) => {
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    response.setHeader('cache-control', 'no-store');
    next();
  });
  app.useGlobalFilters(new ConsoleErrorFilter(log));
  await app.listen(listen.port, listen.host);
  return app;
}
