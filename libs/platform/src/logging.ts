import { LoggerModule } from 'nestjs-pino';

/**
 * Structured JSON logs (pino). Secrets and personal data are redacted wherever they appear in a
 * logged object; request logs carry the correlation id when the caller sends one.
 */
export function loggingModule(service: string, level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.email',
          '*.*.email',
          '*.password',
          '*.customer',
        ],
        censor: '[redacted]',
      },
      serializers: {
        // Query strings may carry secrets (the status page's link token): log the path only.
        req: (req: { url?: string; query?: unknown }) => ({
          ...req,
          url: req.url?.split('?')[0],
          query: undefined,
        }),
      },
      customProps: (req) => ({
        correlationId: (req.headers as Record<string, string | undefined>)['x-correlation-id'],
      }),
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
    },
  });
}
