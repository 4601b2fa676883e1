/**
 * `--mode decode`: what the runtime's decoding of one consumed record costs here, in CPU, without
 * I/O: N records as the probe producer emits them (OrderPaid CloudEvents, one clock reading per
 * transaction of 500, as `Transaction` stamps them), each decoded as a consumer decodes it
 * (`decodeEvent`: JSON, the envelope's and the contract's validation, the instance). Warmed up,
 * then measured in rounds, each round's process CPU divided by N; prints every round, sorted.
 */
import { OrderPaid, TopicName, Topics } from '@app/contracts';
import { createEvent, decodeEvent } from '@app/messaging';
import { probeOrderPaid } from '@app/testing';
import { round } from './bench-common';

const PER_TRANSACTION = 500;
const WARMUP_ROUNDS = 3;
const ROUNDS = 7;

export interface DecodeCostResult {
  mode: 'decode';
  events: number;
  /** Process CPU per decoded event, one figure per round, sorted. */
  cpuMicrosecondsPerEvent: number[];
  medianCpuMicrosecondsPerEvent: number;
  node: string;
  at: string;
}

export function runDecodeCost(events: number): DecodeCostResult {
  const topic: TopicName = Topics.ReactivationBilling;
  const records: Buffer[] = [];
  let now = new Date();
  for (let i = 0; i < events; i++) {
    if (i % PER_TRANSACTION === 0) now = new Date(Date.now() + i);
    const orderId = `ord-${i}`;
    const event = createEvent(
      OrderPaid,
      probeOrderPaid(orderId, `acct-${i % 64}`, now),
      { source: 'bench', correlationId: orderId },
      now,
    );
    records.push(Buffer.from(JSON.stringify(event)));
  }
  const decodeAll = () => {
    for (const record of records) {
      if (!decodeEvent(topic, record).event) throw new Error('a valid record did not decode');
    }
  };
  for (let r = 0; r < WARMUP_ROUNDS; r++) decodeAll();
  const perEvent: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    decodeAll();
    const used = process.cpuUsage(before);
    perEvent.push(round((used.user + used.system) / events, 2));
  }
  perEvent.sort((a, b) => a - b);
  return {
    mode: 'decode',
    events,
    cpuMicrosecondsPerEvent: perEvent,
    medianCpuMicrosecondsPerEvent: perEvent[Math.floor(ROUNDS / 2)],
    node: process.version,
    at: new Date().toISOString(),
  };
}

export function printDecodeCost(r: DecodeCostResult): void {
  process.stdout.write(
    `decode: ${r.events} OrderPaid records, ${PER_TRANSACTION} per transaction's time; CPU µs per decoded event, ${ROUNDS} rounds sorted: ${r.cpuMicrosecondsPerEvent.join(' ')} (median ${r.medianCpuMicrosecondsPerEvent}); Node ${r.node}\n`,
  );
}
