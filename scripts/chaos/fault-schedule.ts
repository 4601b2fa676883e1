/**
 * The seeded random schedule of faults: the same seed and options give the same faults at the
 * same moments against the same victims, so a failing run can be replayed.
 */
import { ServiceName } from '@app/testing';

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Fault =
  | { kind: 'kill-instance'; atMs: number; victim: number; downMs: number }
  | { kind: 'kill-broker'; atMs: number; downMs: number }
  | { kind: 'restart-database'; atMs: number; downMs: number }
  | { kind: 'replay'; atMs: number; service: ServiceName; backMs: number };

export interface FaultOptions {
  /** How long the sagas are driven: faults fall within it. */
  durationMs: number;
  instanceKills: number;
  brokerKills: number;
  databaseRestarts: number;
  /** Rewinds each service's group over a range it has consumed (0 or 1 per service). */
  replays: boolean;
}

const REPLAYED: ServiceName[] = ['billing', 'eligibility', 'licensing', 'notifications'];

export function faultSchedule(seed: number, options: FaultOptions): Fault[] {
  const random = seededRandom(seed);
  // Faults start once traffic flows and end before the last sagas are placed.
  const at = () => Math.round(options.durationMs * (0.1 + 0.8 * random()));
  const faults: Fault[] = [];
  for (let i = 0; i < options.instanceKills; i++) {
    faults.push({
      kind: 'kill-instance',
      atMs: at(),
      victim: Math.floor(random() * 1_000_000),
      downMs: 1000 + Math.round(random() * 2000),
    });
  }
  for (let i = 0; i < options.brokerKills; i++) {
    faults.push({ kind: 'kill-broker', atMs: at(), downMs: 1000 + Math.round(random() * 2000) });
  }
  for (let i = 0; i < options.databaseRestarts; i++) {
    faults.push({
      kind: 'restart-database',
      atMs: at(),
      downMs: 2000 + Math.round(random() * 3000),
    });
  }
  if (options.replays) {
    for (const service of REPLAYED) {
      faults.push({
        kind: 'replay',
        atMs: at(),
        service,
        backMs: 10_000 + Math.round(random() * 20_000),
      });
    }
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'kill-instance':
      return `kill -9 of instance #${fault.victim} (restart after ${fault.downMs} ms)`;
    case 'kill-broker':
      return `kill -9 of the broker (restart after ${fault.downMs} ms)`;
    case 'restart-database':
      return `PostgreSQL stop -m immediate (start after ${fault.downMs} ms)`;
    case 'replay':
      return `replay of ${fault.service}'s group over the last ${Math.round(fault.backMs / 1000)} s`;
  }
}
