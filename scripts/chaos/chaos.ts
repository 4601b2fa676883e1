/**
 * `npm run chaos -- --sagas N --rate R --seed S …`: the project's own fault suite (README, "Fault
 * suite"). Exits 0 when every invariant holds, 1 when one does not (each printed with its counts,
 * example ids and the command that replays the run), 2 on a usage error.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChaosReport, runChaos } from './chaos-run';
import { ROOT, tearDownEverything } from './own-infrastructure';

const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${v}`);
  return n;
};

function print(report: ChaosReport): string {
  const lines = [
    '',
    `chaos: ${report.ok ? 'EVERY INVARIANT HOLDS' : 'INVARIANTS BROKEN'} — seed ${report.options.seed}`,
    `sagas by kind: ${Object.entries(report.kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `faults (${report.faults.length}):`,
    ...report.faults.map((f) => `  ${f.at}: ${f.fault} (${f.tookMs} ms)`),
    ...(report.notPlaced.length > 0
      ? [
          `NOT PLACED (${report.notPlaced.length}):`,
          ...report.notPlaced.slice(0, 5).map((n) => `  ${n}`),
        ]
      : []),
    'invariants:',
    ...report.invariants.flatMap((i) => [
      `  ${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.counts}`,
      ...i.examples.map((e) => `         e.g. ${e}`),
    ]),
    `processes that exited at boot and were started again: ${JSON.stringify(report.failedStarts)}`,
    `payment to end (ms): p50 ${report.latencyMs.p50}, p95 ${report.latencyMs.p95}, max ${report.latencyMs.max}`,
    `settled ${report.settledInSeconds} s after the last saga was placed; wall time ${report.wallSeconds} s`,
    `replay: ${report.command}`,
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const program = new Command()
    .name('chaos')
    .description('the whole system under faults: drives sagas, injects faults, checks invariants')
    .option('--sagas <n>', 'sagas to drive (the kinds in turn)', whole, 300)
    .option('--rate <r>', 'sagas started per second', Number, 10)
    .option(
      '--seed <s>',
      'seed of the fault schedule and the duplicates',
      whole,
      Date.now() % 1_000_000,
    )
    .option('--instances <n>', 'instances of each service', whole, 2)
    .option('--kills <n>', 'kill -9 of random service instances (restarted after 1–3 s)', whole, 6)
    .option('--broker-kills <n>', 'kill -9 of the broker, restarted after 1–3 s', whole, 1)
    .option('--db-restarts <n>', 'PostgreSQL stop -m immediate, started after 2–5 s', whole, 1)
    .option('--no-replays', 'no rewind of each service group over a range it consumed')
    .option('--duplicates <share>', 'share of payments delivered twice', Number, 0.1)
    .option('--settle-timeout <s>', 'seconds to wait for every saga to end', whole, 300)
    .option('--json', 'print the report as JSON on the last line too', false);
  program.parse();
  const o = program.opts<{
    sagas: number;
    rate: number;
    seed: number;
    instances: number;
    kills: number;
    brokerKills: number;
    dbRestarts: number;
    replays: boolean;
    duplicates: number;
    settleTimeout: number;
    json: boolean;
  }>();
  if (
    !(o.rate > 0) ||
    o.sagas < 1 ||
    !(o.duplicates >= 0 && o.duplicates <= 1) ||
    o.instances < 1
  ) {
    console.error('chaos: --rate > 0, --sagas ≥ 1, --instances ≥ 1 and 0 ≤ --duplicates ≤ 1');
    process.exit(2);
  }
  const { json, ...options } = o;
  const report = await runChaos({
    ...options,
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  process.stdout.write(print(report));
  const dir = join(ROOT, '.cache', 'chaos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-seed${o.seed}.json`),
    JSON.stringify(report, null, 2),
  );
  if (json) process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(report.ok ? 0 : 1);
}

// Ctrl-C, a kill or a crash: the own broker, PostgreSQL and service instances go with the run.
async function abort(why: string, error?: unknown): Promise<never> {
  console.error(
    `chaos: ${why}; tearing down the run's broker, PostgreSQL and services`,
    error ?? '',
  );
  await tearDownEverything();
  process.exit(1);
}
process.once('SIGINT', () => void abort('interrupted'));
process.once('SIGTERM', () => void abort('terminated'));
process.once('uncaughtException', (error) => void abort('crashed', error));

main().catch((error: unknown) => abort('the run itself failed', error));
