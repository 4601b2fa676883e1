import { createTestDatabase } from './databases';
import { TestMailbox } from './mailbox';
import { ServiceName, ServiceProcess, startService } from './service-process';
import { quiesceServices } from './quiescence';
import { TopicRecorder } from './topic-recorder';
import { createTestTopics } from './topics';

export const SERVICES: ServiceName[] = ['billing', 'eligibility', 'licensing', 'notifications'];
export const TEST_UPSTREAM_SECRET = 'test-upstream-secret';

/** The four services on their own databases and topics, with a real SMTP server. */
export class TestSystem {
  private constructor(
    readonly prefix: string,
    readonly databases: Record<ServiceName, string>,
    readonly mailbox: TestMailbox,
    readonly services: Record<ServiceName, ServiceProcess>,
    private readonly env: Record<
      ServiceName,
      { DATABASE_URL: string; KAFKA_TOPIC_PREFIX: string } & Record<string, string>
    >,
  ) {}

  get billing(): ServiceProcess {
    return this.services.billing;
  }
  get eligibility(): ServiceProcess {
    return this.services.eligibility;
  }
  get licensing(): ServiceProcess {
    return this.services.licensing;
  }
  get notifications(): ServiceProcess {
    return this.services.notifications;
  }

  /**
   * `env` adds or overrides variables of every service; `perService` of one. `prefix`: the topics
   * are there already under it (another broker, e.g. the secure one, whose admin made them).
   * Starts the services in parallel; each is ready when its consumer has joined its group.
   */
  static async start(
    options: {
      env?: Record<string, string>;
      perService?: Partial<Record<ServiceName, Record<string, string>>>;
      prefix?: string;
    } = {},
  ): Promise<TestSystem> {
    const [prefix, mailbox, ...urls] = await Promise.all([
      options.prefix ?? createTestTopics(),
      TestMailbox.start(),
      ...SERVICES.map((name) => createTestDatabase(name)),
    ]);
    const databases = Object.fromEntries(SERVICES.map((name, i) => [name, urls[i]])) as Record<
      ServiceName,
      string
    >;
    type ServiceEnv = Record<string, string> & { DATABASE_URL: string; KAFKA_TOPIC_PREFIX: string };
    const env = Object.fromEntries(
      SERVICES.map((name) => [
        name,
        {
          DATABASE_URL: databases[name],
          KAFKA_TOPIC_PREFIX: prefix,
          SMTP_URL: mailbox.url,
          UPSTREAM_SIGNING_SECRET: TEST_UPSTREAM_SECRET,
          ...options.env,
          ...options.perService?.[name],
        },
      ]),
    ) as unknown as Record<ServiceName, ServiceEnv>;
    const started = await Promise.all(SERVICES.map((name) => startService(name, env[name])));
    const services = Object.fromEntries(SERVICES.map((name, i) => [name, started[i]])) as Record<
      ServiceName,
      ServiceProcess
    >;
    return new TestSystem(prefix, databases, mailbox, services, env);
  }

  /** Restarts one service (after stop() or kill()) with the same database and port. */
  async restart(name: ServiceName): Promise<ServiceProcess> {
    await this.services[name].stop();
    const port = new URL(this.services[name].url).port;
    this.services[name] = await startService(name, { ...this.env[name], HTTP_PORT: port });
    return this.services[name];
  }

  /**
   * The barrier behind "nothing more happened": every service has handled everything on its
   * topics and published everything it committed, and `recorder` has read it all.
   */
  async quiesce(recorder?: TopicRecorder, timeoutMs?: number): Promise<void> {
    await quiesceServices(Object.values(this.services), recorder, timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all(SERVICES.map((name) => this.services[name].kill()));
    await this.mailbox.stop();
  }
}
