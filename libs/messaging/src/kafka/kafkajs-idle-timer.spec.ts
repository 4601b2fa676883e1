import { EventEmitter } from 'node:events';
import { fixKafkajsIdleTimer } from './kafkajs-idle-timer';

interface Queue {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;

const queues: Queue[] = [];

function queue(): Queue {
  const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const created = new RequestQueue({
    instrumentationEmitter: new EventEmitter(),
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });
  queues.push(created);
  return created;
}

describe('kafkajs idle timer', () => {
  beforeAll(() => fixKafkajsIdleTimer());
  afterEach(() => queues.splice(0).forEach((q) => q.destroy()));

  it('arms no timer when a response leaves nothing pending (kafkajs re-armed a 1 ms one forever)', () => {
    const idle = queue();
    idle.checkPendingRequests(); // what kafkajs does after every response
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks again while requests are pending', () => {
    const busy = queue();
    busy.pending.push({});
    const check = jest.spyOn(busy, 'checkPendingRequests').mockImplementation(() => {});
    (busy as unknown as { scheduleCheckPendingRequests(): void }).scheduleCheckPendingRequests();
    expect(busy.throttleCheckTimeoutId).not.toBeNull();
    check.mockRestore();
  });
});
