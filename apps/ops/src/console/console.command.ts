import { Command } from 'commander';
import { wholeNumber } from '../cli/arguments';
import { OpsContext } from '../cli/ops-context';
import { OpsKafka } from '../kafka/ops-kafka';
import { ConsoleSettings } from './console.settings';
import { startConsole } from './console.server';

/**
 * `console [--port N] [--host H]`: the support and ops web console, until SIGINT/SIGTERM. People
 * sign in with their API token; everything they see or do goes through the services' HTTP APIs
 * with that token, or (dead letters, lag, the saga's story) through the broker as the CLI does.
 */
export function consoleCommand(context: OpsContext, env: NodeJS.ProcessEnv): Command {
  return new Command('console')
    .description('the support and ops web console (sign in with an API token)')
    .option('--port <port>', 'HTTP port', wholeNumber, Number(env.CONSOLE_PORT ?? 3005))
    .option('--host <host>', 'interface to listen on', env.CONSOLE_HOST ?? '127.0.0.1')
    .option(
      '--stuck-after <seconds>',
      'how long a stage may wait before a saga is called stuck',
      wholeNumber,
      300,
    )
    .action(async (options: { port: number; host: string; stuckAfter: number }) => {
      await context.run(false, async () => {
        const config = context.config();
        const kafka = new OpsKafka(
          config.brokers(),
          config.KAFKA_TOPIC_PREFIX,
          config.kafkaConnection(),
        );
        const settings = new ConsoleSettings(
          config.serviceUrls(),
          env.POLY_ENV !== 'development',
          options.stuckAfter * 1000,
        );
        const app = await startConsole(settings, kafka, options, (line) =>
          context.io.err(`${line}\n`),
        );
        const url = await app.getUrl();
        context.io.err(`console: listening on ${url.replace('[::1]', 'localhost')}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await app.close();
        await kafka.close();
      });
    });
}
