import { KafkaEventServer } from '@app/messaging';
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

/**
 * Boots a service as a hybrid app: HTTP (validated, whitelisted input) plus the Kafka transport,
 * with graceful shutdown on SIGTERM/SIGINT (drain the batch in hand, commit, flush the outbox).
 */
export async function bootstrapService(module: unknown, port: number): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(KafkaEventServer) }, { inheritAppConfig: false });
  await app.startAllMicroservices();
  await app.listen(port, '127.0.0.1');
  return app;
}
