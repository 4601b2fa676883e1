/**
 * `npm run bench`: the project's own benchmark (SPEC section 9).
 *
 *   node dist/scripts/bench/bench.js [--sagas N] [--floor] [--json]       whole sagas, flooded
 *   node dist/scripts/bench/bench.js --rate R --duration S [--floor]      open loop: R sagas/s for S s
 *   node dist/scripts/bench/bench.js --mode runtime [--sagas N]           the runtime alone (probe)
 *   node dist/scripts/bench/bench.js --naive [--sagas N]                  runtime vs stock Nest Kafka
 *   node dist/scripts/bench/bench.js --mode requests [--sagas N]          what one request costs here
 *   node dist/scripts/bench/bench.js --mode decode [--sagas N]            what decoding one record costs
 *   … --warmup W                                       W unmeasured sagas (events) first, each system
 *
 * Saga mode (saga-run.ts): fresh databases and topic prefix, the four built services as processes
 * with their production settings, N suspended accounts and N placed orders (setup, not measured),
 * then N signed PaymentCaptured and each saga followed to OrderFulfilled and to completion
 * (fulfilled + confirmation email accepted by SMTP + timeline complete). `--floor` runs the same
 * measurement on the hand-written floor (scripts/bench/floor) in the same invocation. Durable
 * settings only: the relays produce with acks=all, the broker fsyncs every append (kafka.sh),
 * PostgreSQL runs with fsync and synchronous_commit on (checked and reported).
 */
import {
  createTestDatabase,
  createTestTopics,
  deleteTopicsCreatedHere,
  dropDatabasesCreatedHere,
  startService,
  testInfrastructure,
} from '@app/testing';
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  durableSettings,
  ensureBroker,
  nodeOptionsEnv,
  Options,
  ROOT,
  round,
  serviceEnvOverrides,
  Settings,
} from './bench-common';
import { RunCosts } from './process-sampler';
import { printDecodeCost, runDecodeCost } from './decode-cost';
import { printRequestCosts, runRequestCosts } from './request-costs';
import { runSagas, SagaResult } from './saga-run';

const PROBE = 'dist/libs/testing/src/probe/probe.js';
const NAIVE = 'dist/scripts/bench/naive/naive-consumer.js';

// ---------------------------------------------------------------------------------------------
// Runtime mode: the probe (outbox → Kafka → inbox), and the naive stock-Nest consumer.

interface RuntimeResult {
  mode: 'runtime';
  consumer: string;
  events: number;
  warmupEvents: number;
  handled: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
  settings: Settings;
  at: string;
}

async function runRuntime(
  options: Options,
  settings: Settings,
  consumerKind: 'runtime' | 'naive',
): Promise<RuntimeResult> {
  const n = options.sagas;
  const consumerGroup = 'probe-bench-consumer';
  const [prefix, producerDb, consumerDb] = await Promise.all([
    createTestTopics(['probe-bench-producer', consumerGroup]),
    createTestDatabase('benchproducer'),
    createTestDatabase('benchconsumer'),
  ]);
  const common = {
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    ...serviceEnvOverrides(),
    ...nodeOptionsEnv(consumerKind),
  };
  const producer = await startService(
    'probe-producer',
    {
      ...common,
      ...nodeOptionsEnv(`producer-${consumerKind}`),
      DATABASE_URL: producerDb,
      PROBE_GROUP: 'probe-bench-producer',
      PROBE_ROLE: 'producer',
    },
    { entry: PROBE },
  );
  const consumer =
    consumerKind === 'runtime'
      ? await startService(
          'probe-consumer',
          {
            ...common,
            DATABASE_URL: consumerDb,
            PROBE_GROUP: consumerGroup,
            PROBE_ROLE: 'consumer',
            // One handler: the same work as the naive consumer's.
            PROBE_AUDIT: 'false',
            PROBE_BATCH: String(options.handlers === 'batch'),
          },
          { entry: PROBE },
        )
      : await startService(
          'naive-consumer',
          { ...common, DATABASE_URL: consumerDb },
          { entry: NAIVE },
        );
  const costs = new RunCosts(
    new Map([
      ['producer', producer.pid],
      [consumerKind === 'runtime' ? 'consumer' : 'naive-consumer', consumer.pid],
    ]),
    testInfrastructure().postgresAdminUrl,
    {
      producer: new URL(producerDb).pathname.slice(1),
      consumer: new URL(consumerDb).pathname.slice(1),
    },
  );
  costs.start();
  // One connection for the whole run, read with a cheap statement while the effects come in. A
  // new connection (a PostgreSQL backend forked) and a count of the growing table every 50 ms was
  // the bench's own load on the machine it measures.
  const progress = new Client({ connectionString: consumerDb });
  await progress.connect();
  const handledRows = async () =>
    Number(
      (await progress.query<{ n: string }>('SELECT count(*) AS n FROM probe_effects')).rows[0].n,
    );
  /** The effects' ids drawn so far: never below the rows committed (rolled-back ones draw too). */
  const idsDrawn = async () =>
    Number(
      (
        await progress.query<{ n: string }>(
          'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM probe_effects_id_seq',
        )
      ).rows[0].n,
    );
  /** Emits `count` events and waits until the consumer has handled `total` in all. */
  const emitAndWait = async (count: number, total: number, deadline: number): Promise<number> => {
    for (let done = 0; done < count; done += 50_000) {
      const response = await producer.http('POST', '/probe/emit', {
        count: Math.min(50_000, count - done),
        perTransaction: 500,
      });
      if (response.status !== 201)
        throw new Error(`emit: ${response.status} ${JSON.stringify(response.body)}`);
    }
    let handled = 0;
    while (performance.now() < deadline) {
      // Counted only once enough ids are drawn: the count is what is reported.
      if ((await idsDrawn()) >= total && (handled = await handledRows()) >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return handled >= total ? handled : await handledRows();
  };
  try {
    const warm = options.warmup;
    if (warm > 0) {
      // Not measured, as in saga mode: the processes are measured as they run once warm.
      const warmed = await emitAndWait(warm, warm, performance.now() + options.timeout * 1000);
      if (warmed < warm) throw new Error(`warm-up: ${warmed} of ${warm} events handled in time`);
    }
    // Both consumers report ready only once in their group (the runtime's readiness; the naive
    // one's after Nest's ServerKafka awaited kafkajs's run, which joins): timing starts at the
    // emit, not at the join.
    await costs.mark();
    if (process.env.BENCH_MARK_SIGNAL) {
      // A profiler preloaded through BENCH_NODE_OPTIONS starts on this signal.
      for (const pid of [producer.pid, consumer.pid])
        process.kill(pid, process.env.BENCH_MARK_SIGNAL);
    }
    const started = performance.now();
    const handled = (await emitAndWait(n, warm + n, started + options.timeout * 1000)) - warm;
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = await costs.cpuSinceMark();
    if (process.env.BENCH_PROFILE_SIGNAL) {
      for (const pid of [producer.pid, consumer.pid])
        process.kill(pid, process.env.BENCH_PROFILE_SIGNAL);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    settings.load.after = loadavg().map((l) => round(l, 2));
    return {
      mode: 'runtime',
      consumer: consumerKind === 'runtime' ? `runtime (${options.handlers} handler)` : consumerKind,
      events: n,
      warmupEvents: warm,
      handled,
      seconds: round(seconds, 2),
      eventsPerSecond: round(handled / seconds, 1),
      peakRssMb: costs.peakRss(),
      cpuSeconds,
      settings,
      at: new Date().toISOString(),
    };
  } finally {
    costs.stop();
    await progress.end();
    await consumer.stop().catch(() => consumer.kill());
    await producer.stop().catch(() => producer.kill());
  }
}

// ---------------------------------------------------------------------------------------------

function printSaga(r: SagaResult): void {
  const latency = (l: SagaResult['completion']['latencyMs']) =>
    `p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}  mean ${l.mean}` +
    (l.missing > 0 ? `  (${l.missing} never arrived: counted as infinitely late)` : '');
  const pairs = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const lines = [
    `== ${r.system}: ${r.sagas} sagas, rate ${r.rate}${r.durationSeconds ? ` for ${r.durationSeconds} s` : ''}${r.warmupSagas ? ` after ${r.warmupSagas} warm-up sagas` : ', cold'}${r.timedOut ? ' (TIMED OUT)' : ''}; payments published in ${r.publishSeconds} s`,
    `fulfilment (OrderFulfilled): ${r.fulfilment.count}/${r.sagas}, ${r.fulfilment.sagasPerSecond} sagas/s; latency from the scheduled send (ms): ${latency(r.fulfilment.latencyMs)}`,
    `completion (fulfilled + confirmation email + timeline): ${r.completion.count}/${r.sagas}, ${r.completion.sagasPerSecond} sagas/s; latency (ms): ${latency(r.completion.latencyMs)}`,
    `hops (ms, p50/p90/p99): ${Object.entries(r.hopsMs)
      .map(([hop, h]) => `${hop} ${h.p50}/${h.p90}/${h.p99}`)
      .join(', ')}`,
    ...(r.keepUp
      ? [
          `kept up: ${r.keepUp.keptUp ? 'YES' : 'NO'} (offered ${r.keepUp.offeredPerSecond}/s, completed ${r.keepUp.completedPerSecondAtEnd}/s in the last 10 s; backlog ${r.keepUp.backlogAtHalf} at half, ${r.keepUp.backlogAtEnd} at the end, growing ${r.keepUp.backlogGrowthPerSecond}/s over the second half; tail drained in ${round(r.keepUp.drainSeconds, 2)} s)${r.keepUp.reasons.length ? ': ' + r.keepUp.reasons.join('; ') : ''}`,
        ]
      : []),
    `duplicates: OrderFulfilled ${r.duplicates.fulfilments}, confirmation emails ${r.duplicates.confirmations}; emails accepted by the SMTP sink: ${r.emailsAccepted}`,
    `CPU seconds in the measured window: ${pairs(r.cpuSeconds)}`,
    `CPU ms per completed saga: ${pairs(r.cpuMsPerSaga)}`,
    `CPU ms per completed saga by thread: ${pairs(r.cpuMsPerSagaByThread)}`,
    `queries (round trips) to PostgreSQL per saga: ${pairs(r.statementsPerSaga)}; transactions per saga (pg_stat_database): ${pairs(r.transactionsPerSaga)}`,
    `Kafka requests per saga: ${pairs(r.kafkaRequestsPerSaga)}`,
    `Kafka requests per saga by API: ${pairs(r.kafkaRequestsByApiPerSaga)}`,
    `peak RSS (MB): ${pairs(r.peakRssMb)}`,
    ...Object.entries(r.details).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
    settingsLine(r.settings),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printRuntime(r: RuntimeResult): void {
  process.stdout.write(
    [
      `${r.consumer} consumer: ${r.handled}/${r.events} events in ${r.seconds} s = ${r.eventsPerSecond} events/s (outbox → Kafka → inbox + effect + outbox)${r.warmupEvents ? `, after ${r.warmupEvents} warm-up events` : ', cold'}`,
      `peak RSS (MB): ${Object.entries(r.peakRssMb)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; CPU s: ${Object.entries(r.cpuSeconds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      settingsLine(r.settings),
    ].join('\n') + '\n',
  );
}

function settingsLine(s: Settings): string {
  return (
    `settings: PostgreSQL fsync=${s.postgres.fsync} synchronous_commit=${s.postgres.synchronous_commit} autovacuum=${s.postgres.autovacuum}; ` +
    `broker log.flush.interval.messages=${s.broker.logFlushIntervalMessages}, ${s.broker.partitionsPerTopic} partitions/topic; ` +
    `acks ${s.producerAcks}; Node ${s.node}; ${s.cores} cores, load before ${s.load.before.join(' ')} after ${s.load.after?.join(' ')}`
  );
}

function save(result: unknown): void {
  const dir = join(ROOT, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify(result, null, 2),
  );
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .option('--sagas <n>', 'sagas (or events in runtime mode)', (v) => Number(v), 2000)
    .option('--rate <r>', 'payments per second (default: as fast as possible)', (v) => Number(v))
    .option(
      '--duration <s>',
      'with --rate: seconds of payments on a fixed schedule (sagas = rate × duration)',
      (v) => Number(v),
    )
    .option('--floor', 'saga mode: also run the hand-written floor in the same invocation', false)
    .option('--floor-first', 'with --floor: the floor before the product', false)
    .option('--floor-only', 'saga mode: the floor alone (to check it; no ratio)', false)
    .addOption(
      new Option(
        '--floor-processes <n>',
        "the floor's processes: 1 (all its parts in one) or 4 (one a part, as the product's services)",
      )
        .choices(['1', '4'])
        .argParser((v) => Number(v))
        .default(1),
    )
    .option('--json', 'print only the JSON result', false)
    .addOption(
      new Option(
        '--mode <mode>',
        'saga, runtime, requests (one request of each kind, priced) or decode (one record decoded, in CPU, no I/O)',
      )
        .choices(['saga', 'runtime', 'requests', 'decode'])
        .default('saga'),
    )
    .option(
      '--naive',
      'runtime mode with the probe, then the stock Nest Kafka consumer; prints the ratio',
      false,
    )
    .addOption(
      new Option('--handlers <kind>', "runtime mode: the probe consumer's handler kind")
        .choices(['batch', 'per-event'])
        .default('batch'),
    )
    .option(
      '--warmup <n>',
      'sagas (runtime mode: events) each system completes, flooded and unmeasured, before the measured ones',
      (v) => Number(v),
      0,
    )
    .option('--timeout <s>', 'seconds to wait for the last outcome', (v) => Number(v), 180)
    .option('--concurrency <c>', 'concurrent setup requests', (v) => Number(v), 16);
  program.parse();
  const options = program.opts<Options>();
  if (options.duration !== undefined && !options.rate) {
    throw new Error('--duration needs --rate (an open-loop run has an offered rate)');
  }
  if (options.mode === 'decode') {
    // No broker, no database: the CPU of one process decoding.
    const decode = runDecodeCost(options.sagas);
    if (!options.json) printDecodeCost(decode);
    save(decode);
    process.stdout.write(JSON.stringify(decode) + '\n');
    return;
  }
  ensureBroker();
  const settings = await durableSettings();
  const fresh = (): Settings => ({
    ...settings,
    load: { before: loadavg().map((l) => round(l, 2)) },
  });
  let result: unknown;
  if (options.naive) {
    const runtime = await runRuntime(options, fresh(), 'runtime');
    if (!options.json) printRuntime(runtime);
    const naive = await runRuntime(options, fresh(), 'naive');
    if (!options.json) printRuntime(naive);
    const ratio = round(runtime.eventsPerSecond / naive.eventsPerSecond, 2);
    if (!options.json) process.stdout.write(`runtime / naive: ${ratio}×\n`);
    result = { runtime, naive, ratio };
  } else if (options.mode === 'requests') {
    const requests = await runRequestCosts(options, settings);
    if (!options.json) printRequestCosts(requests);
    result = requests;
  } else if (options.mode === 'runtime') {
    const runtime = await runRuntime(options, settings, 'runtime');
    if (!options.json) printRuntime(runtime);
    result = runtime;
  } else if (options.floorOnly) {
    const floor = await runSagas(options, settings, 'floor');
    if (!options.json) printSaga(floor);
    result = floor;
  } else if (options.floor) {
    const order: ('product' | 'floor')[] = options.floorFirst
      ? ['floor', 'product']
      : ['product', 'floor'];
    const runs: Partial<Record<'product' | 'floor', SagaResult>> = {};
    for (const system of order) {
      runs[system] = await runSagas(options, fresh(), system);
      if (!options.json) printSaga(runs[system]);
    }
    const ratio = (f: (r: SagaResult) => number) => round(f(runs.product!) / f(runs.floor!), 3);
    const comparison = {
      completionThroughput: ratio((r) => r.completion.sagasPerSecond),
      completionP99: ratio((r) => r.completion.latencyMs.p99),
      machineCpuPerSaga: ratio((r) => r.cpuMsPerSaga.machine),
    };
    if (!options.json)
      process.stdout.write(
        `product / floor: completion throughput ${comparison.completionThroughput}×, completion p99 ${comparison.completionP99}×, machine CPU per saga ${comparison.machineCpuPerSaga}×\n`,
      );
    result = { product: runs.product, floor: runs.floor, productOverFloor: comparison };
  } else {
    const saga = await runSagas(options, settings, 'product');
    if (!options.json) printSaga(saga);
    result = saga;
  }
  save(result);
  process.stdout.write(JSON.stringify(result) + '\n');
}

/**
 * The topics and databases the run made go when it ends (a broker that kept every run's works for
 * each). BENCH_KEEP_DATABASES=1 keeps the databases, to look into after the run.
 */
async function cleanUp(): Promise<void> {
  await deleteTopicsCreatedHere().catch((error: unknown) =>
    console.warn(`bench: topics not deleted: ${String(error)}`),
  );
  if (process.env.BENCH_KEEP_DATABASES) return;
  await dropDatabasesCreatedHere().catch((error: unknown) =>
    console.warn(`bench: databases not dropped: ${String(error)}`),
  );
}

main().then(
  () => cleanUp().then(() => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    return cleanUp().then(() => process.exit(1));
  },
);
