import { KafkaEventServer } from '@app/messaging';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ServiceEnvironment } from './config';
import { HttpErrorFilter, HttpStatusOfCode } from './http/http-error.filter';

/**
 * Boots a service as a hybrid app: HTTP (validated, whitelisted input, every error in one shape)
 * plus the Kafka transport, with graceful shutdown on SIGTERM/SIGINT (drain the batch in hand,
 * commit, flush the outbox). It listens on HTTP_HOST:HTTP_PORT.
 */
export async function bootstrapService(
  module: unknown,
  env: Pick<ServiceEnvironment, 'HTTP_PORT' | 'HTTP_HOST'>,
  httpStatusOfCode: HttpStatusOfCode = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  // HTTP only: the Kafka transport does not inherit it (inheritAppConfig: false) and dead-letters.
  app.useGlobalFilters(new HttpErrorFilter(httpStatusOfCode));
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(KafkaEventServer) }, { inheritAppConfig: false });
  await app.startAllMicroservices();
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  return app;
}
