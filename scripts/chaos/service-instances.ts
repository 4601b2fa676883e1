/**
 * Two (or more) instances of each of the four services, as real processes sharing their service's
 * database and consumer group, and how the suite reaches them: any live instance answers HTTP.
 */
import { freePort, ServiceName, ServiceProcess, startService, TEST_OPS_TOKEN } from '@app/testing';

export const SERVICES: ServiceName[] = ['billing', 'eligibility', 'licensing', 'notifications'];

type ServiceEnv = { DATABASE_URL: string; KAFKA_TOPIC_PREFIX: string } & Record<string, string>;

export class Instance {
  process?: ServiceProcess;
  /** False from a kill until the restarted process is ready. */
  up = false;
  private port?: string;

  constructor(
    readonly service: ServiceName,
    readonly number: number,
    readonly env: ServiceEnv,
  ) {}

  get name(): string {
    return `${this.service}#${this.number}`;
  }

  get url(): string | undefined {
    return this.process?.url;
  }

  /** Processes that exited before they were ready (a service cannot boot without its broker). */
  failedStarts = 0;

  /**
   * Starts the process and waits until it is ready. A service exits at boot when the broker or
   * the database is down; like a supervisor (systemd, a container's restart policy), start it
   * again a second later, until `timeoutMs`.
   */
  async start(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Restarted processes keep their port (its URL is what clients know).
      const port = this.port ?? String(await freePort());
      this.port = port;
      try {
        this.process = await startService(
          this.service,
          { ...this.env, HTTP_PORT: port },
          { timeoutMs: Math.max(1000, deadline - Date.now()) },
        );
        this.up = true;
        return;
      } catch (error) {
        this.failedStarts++;
        if (Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async kill(): Promise<void> {
    this.up = false;
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    this.up = false;
    await this.process?.stop();
  }

  /** `/health/ready`'s status, or the error when nothing answers. */
  async readiness(): Promise<number | string> {
    if (!this.process) return 'not started';
    try {
      const response = await fetch(this.process.url + '/health/ready', {
        signal: AbortSignal.timeout(5000),
      });
      return response.status;
    } catch (error) {
      return (error as Error).message;
    }
  }
}

export class ServiceInstances {
  private turn = 0;

  constructor(readonly all: Instance[]) {}

  static create(perInstance: number, env: (service: ServiceName) => ServiceEnv): ServiceInstances {
    return new ServiceInstances(
      SERVICES.flatMap((service) =>
        Array.from({ length: perInstance }, (_, i) => new Instance(service, i + 1, env(service))),
      ),
    );
  }

  of(service: ServiceName): Instance[] {
    return this.all.filter((i) => i.service === service);
  }

  /**
   * Starts every instance: one of each service first (it runs the migrations), then the others
   * (two processes running the same migrations at once would race).
   */
  async startAll(): Promise<void> {
    await Promise.all(SERVICES.map((service) => this.of(service)[0].start()));
    await Promise.all(this.all.filter((i) => i.number > 1).map((i) => i.start()));
  }

  async killAll(): Promise<void> {
    await Promise.all(this.all.map((i) => i.kill()));
  }

  /**
   * An HTTP call to any live instance of a service, retried on another (or later) while
   * instances die, the broker or the database is down, until `deadline`.
   */
  async http<T>(
    service: ServiceName,
    method: string,
    path: string,
    body: unknown,
    accept: (status: number) => boolean,
    deadline = Date.now() + 300_000,
  ): Promise<{ status: number; body: T }> {
    let last = '';
    while (Date.now() < deadline) {
      const live = this.of(service).filter((i) => i.up && i.url);
      const instance = live[this.turn++ % Math.max(1, live.length)];
      if (instance?.url) {
        try {
          const response = await fetch(instance.url + path, {
            method,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${TEST_OPS_TOKEN}`,
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
          });
          const text = await response.text();
          const parsed = (text ? JSON.parse(text) : undefined) as T;
          if (accept(response.status)) return { status: response.status, body: parsed };
          last = `${response.status} ${text.slice(0, 300)}`;
          // A 4xx other than what is accepted is an answer, not a fault to wait out.
          if (response.status >= 400 && response.status < 500 && response.status !== 429) {
            throw new HttpRefused(`${method} ${path}: ${last}`);
          }
        } catch (error) {
          if (error instanceof HttpRefused) throw error;
          last = (error as Error).message;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${method} ${service}${path} did not succeed before its deadline: ${last}`);
  }
}

export class HttpRefused extends Error {}
