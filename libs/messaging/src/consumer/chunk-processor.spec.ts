import { runsOfOneHandler } from './chunk-processor';
import type { EventHandler, InboundRecord } from './inbound-record';

const handle = jest.fn();
const orderPaid: EventHandler = { handle, batched: true };
const orderFulfilled: EventHandler = { handle, batched: true };
const sagaPaid: EventHandler = { handle, batched: true, batchHandler: 'saga#1' };
const sagaFulfilled: EventHandler = { handle, batched: true, batchHandler: 'saga#1' };
const otherPaid: EventHandler = { handle, batched: true, batchHandler: 'other#2' };
const perEvent: EventHandler = { handle, batched: false };

function records(...handlers: EventHandler[]): InboundRecord[] {
  return handlers.map(
    (handler, i) => ({ origin: { offset: String(i) }, handler }) as unknown as InboundRecord,
  );
}

const offsetsOf = (runs: InboundRecord[][]) => runs.map((run) => run.map((r) => r.origin.offset));

describe('runsOfOneHandler', () => {
  it('gives consecutive events of one type with a batch handler to one call', () => {
    const runs = runsOfOneHandler(records(orderPaid, orderPaid, orderFulfilled, orderPaid));
    expect(offsetsOf(runs)).toEqual([['0', '1'], ['2'], ['3']]);
  });

  it('gives consecutive events of several types to one call when one batch handler takes them all', () => {
    const runs = runsOfOneHandler(records(sagaPaid, sagaFulfilled, sagaPaid, otherPaid, sagaPaid));
    expect(offsetsOf(runs)).toEqual([['0', '1', '2'], ['3'], ['4']]);
  });

  it('gives each event with a per-event handler a call of its own', () => {
    const runs = runsOfOneHandler(records(perEvent, perEvent, sagaPaid));
    expect(offsetsOf(runs)).toEqual([['0'], ['1'], ['2']]);
  });
});
