import { OpsKafka } from '../kafka/ops-kafka';
import { ServiceApi } from '../services/service-api';
import { loadOpsConfig, OpsEnvironment } from '../ops.config';
import { ConsoleIo } from './console-io';
import { ExitCodes, explainKafkaError, OpsError } from './ops-error';

/** What every command gets: its console, its environment, a broker handle, a clock. */
export class OpsContext {
  private loaded?: OpsEnvironment;
  private connection?: OpsKafka;
  exitCode: number = ExitCodes.Ok;

  constructor(
    readonly io: ConsoleIo,
    private readonly env: NodeJS.ProcessEnv,
    readonly now: () => Date = () => new Date(),
  ) {}

  config(): OpsEnvironment {
    this.loaded ??= loadOpsConfig(this.env);
    return this.loaded;
  }

  kafka(): OpsKafka {
    this.connection ??= new OpsKafka(
      this.config().brokers(),
      this.config().KAFKA_TOPIC_PREFIX,
      this.config().kafkaConnection(),
    );
    return this.connection;
  }

  /** The services' HTTP APIs with the operator's token (OPS_API_TOKEN). */
  services(): ServiceApi {
    return new ServiceApi(this.config().serviceUrls(), this.config().OPS_API_TOKEN ?? '');
  }

  /**
   * Runs a command's action: any failure is reported with what to do (as JSON with --json) and
   * turned into a non-zero exit code; connections are closed either way.
   */
  async run(json: boolean, action: () => Promise<number | void>): Promise<void> {
    try {
      const code = await action();
      this.exitCode = code ?? ExitCodes.Ok;
    } catch (caught) {
      const error = this.connection ? explainKafkaError(caught, this.connection.brokers) : caught;
      const ops = error instanceof OpsError ? error : undefined;
      const message = error instanceof Error ? error.message : String(error);
      const hint =
        ops?.hint ??
        'unexpected failure; run again, and if it persists report it with this message';
      if (json) this.io.out(JSON.stringify({ error: message, hint }, null, 2));
      this.io.err(`error: ${message}\n  → ${hint}\n`);
      this.exitCode = ops?.exitCode ?? ExitCodes.Failure;
    } finally {
      await this.connection?.close();
      this.connection = undefined;
    }
  }
}
