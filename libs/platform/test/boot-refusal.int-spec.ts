import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs a built service as production would start it, and returns how it ended. */
function boot(
  service: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const root = join(__dirname, '..', '..', '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, `dist/apps/${service}/src/main.js`)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HTTP_PORT: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A service that boots would run until stopped: the guard ends the test instead of hanging.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

const OWN = {
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  API_TOKENS: 'Zk3q9v0AOw8mX1yR2uE5tNcH:ops',
};

describe('a service refuses to boot with missing or development secrets (as a process)', () => {
  // [service, what the refusal says, the environment it is started with]
  it.each([
    ['billing', 'UPSTREAM_SIGNING_SECRET: required', {}],
    ['billing', 'UPSTREAM_SIGNING_SECRET: required', { ...OWN }],
    [
      'billing',
      'UPSTREAM_SIGNING_SECRET: is a development value',
      { ...OWN, UPSTREAM_SIGNING_SECRET: 'dev-upstream-secret' },
    ],
    ['notifications', 'STATUS_PAGE_SECRET: required', { ...OWN }],
    ['eligibility', 'DEAD_LETTER_SEAL_SECRET: required', { ...OWN }],
    ['eligibility', 'API_TOKENS: required', { PII_ENCRYPTION_KEY: OWN.PII_ENCRYPTION_KEY }],
    [
      'licensing',
      'API_TOKENS: is a development value',
      { ...OWN, API_TOKENS: 'dev-ops-token:ops,dev-support-token:support' },
    ],
    [
      'licensing',
      'KAFKA_SASL_MECHANISM: required with',
      { ...OWN, KAFKA_SASL_USERNAME: 'licensing', KAFKA_SASL_PASSWORD: 'pw' },
    ],
  ] as [string, string, Record<string, string>][])(
    '%s exits non-zero saying "%s"',
    async (service, expected, env) => {
      const ended = await boot(service, env);
      expect(ended.output).toContain(expected);
      expect(ended.code).toBe(1);
    },
  );
});
