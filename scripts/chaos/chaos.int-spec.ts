/**
 * The bounded fault run inside `npm test`: `npm run chaos` as a user runs it (the built CLI, its
 * own broker and PostgreSQL, two instances of each service), small enough for CI: a couple of
 * hundred sagas of every kind, a handful of instance kills, one broker kill -9, one PostgreSQL
 * immediate stop, duplicate payments and a replay of each service's group. Every invariant must
 * hold; on failure the CLI's report (invariants, counts, example ids, seed) is the message.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'scripts', 'chaos', 'chaos.js');
// A fixed seed: the same faults on every CI run (CHAOS_SEED overrides, to explore).
const SEED = process.env.CHAOS_SEED ?? '20261130';
const TIMEOUT_MS = 15 * 60_000;

function runChaosCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: process.env, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // Its progress (faults as they happen) in the test's output, as the run goes.
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.startsWith('chaos:')) process.stderr.write(line + '\n');
      }
    });
  });
}

describe('npm run chaos (bounded run)', () => {
  it(
    'every saga ends as its kind must, exactly once, through kills, a broker kill, a database restart, duplicates and replays',
    async () => {
      const run = await runChaosCli([
        '--sagas',
        process.env.CHAOS_SAGAS ?? '168',
        '--rate',
        '4',
        '--seed',
        SEED,
        '--kills',
        '4',
        '--broker-kills',
        '1',
        '--db-restarts',
        '1',
        '--duplicates',
        '0.15',
        '--settle-timeout',
        '240',
      ]);
      // The whole report in the failure message: each invariant, its counts, examples, the seed.
      if (run.code !== 0 || !run.stdout.includes('EVERY INVARIANT HOLDS')) {
        const log = run.stderr
          .split('\n')
          .filter((l) => !/TimeoutNegativeWarning|Timeout duration|trace-warnings/.test(l));
        // The broken invariants last as well: a log cut to its head and tail still shows them.
        const broken = run.stdout
          .split('\n')
          .filter((l) => /^ {2}FAIL |^ {9}e\.g\. /.test(l))
          .join('\n');
        throw new Error(
          `chaos exited ${run.code}\n${run.stdout}\n${log.slice(-60).join('\n')}\n` +
            `broken invariants:\n${broken || '(none printed: see the report above)'}`,
        );
      }
      expect(run.stdout).toContain('EVERY INVARIANT HOLDS');
    },
    TIMEOUT_MS,
  );
});
