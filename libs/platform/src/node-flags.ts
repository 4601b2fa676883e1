/**
 * The node flags a service process runs with: package.json's `config.nodeFlags`, by service name,
 * else its `service` entry. One list for every launcher: docker/entrypoint.sh and
 * scripts/dev/run-system.sh run this file (`node dist/libs/platform/src/node-flags.js billing`
 * prints billing's flags), libs/testing's startService imports it.
 *
 * They size V8's heap (docs/performance.md, "Node's heap"): a young generation of 2 × 16 MB (2 × 8
 * in notifications); an old generation of at most 256 MB, which keeps V8 from letting the heap grow
 * far past what is live; and a floor under the old generation's limit (96 MB) before V8 collects
 * it in full. Under the 256 MB cap alone V8 sets each next full collection at 1.3 × the live heap
 * (~35 MB live: one every ~10 MB promoted, five a second in a busy consumer). Notifications' SMTP
 * worker thread has a heap of its own: with a floor of 128 MB its peak RSS once went over 300 MB,
 * and until session 31 its floor was 64 MB. At 64 it collected in full every 0.5–1 s when flooded
 * (`--trace-gc`), and V8's helper threads spent 0.37–0.43 ms of CPU a saga; at 96, 0.25–0.28, for
 * 230–232 MB peak RSS instead of 207–213 (docs/performance.md, session 31).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The directory of the project's package.json, from the sources (jest) or from dist/. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
}

export function nodeFlagsOf(service: string): string[] {
  const { config } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    config: { nodeFlags: Record<string, string> };
  };
  return (config.nodeFlags[service] ?? config.nodeFlags.service).split(' ');
}

if (require.main === module) {
  const service = process.argv[2];
  if (!service) {
    console.error('usage: node node-flags.js <service>');
    process.exit(2);
  }
  process.stdout.write(nodeFlagsOf(service).join(' ') + '\n');
}
