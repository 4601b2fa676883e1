/**
 * kafkajs 2.2.4 re-arms a timer on every connection after each response, even with nothing
 * queued: `scheduleCheckPendingRequests` computes `throttledUntil (-1) - Date.now()`, a negative
 * delay that Node clamps to 1 ms, and the timer's callback schedules the next one. Every connection
 * that ever got a response wakes its process ~1,000 times a second forever (issue 9: ~3 % of a
 * core per idle service; Node 24 also prints TimeoutNegativeWarning). kafkajs is no longer
 * released, so the runtime corrects that one method here, its only deep reach into kafkajs:
 * nothing pending means nothing to check (a request queued later schedules its own check, as
 * kafkajs already does in `push`); with requests pending it behaves as before.
 */
interface RequestQueuePrototype {
  pending: unknown[];
  scheduleCheckPendingRequests: (this: RequestQueuePrototype) => void;
  idleTimerFixed?: boolean;
}

export function fixKafkajsIdleTimer(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as {
    prototype: RequestQueuePrototype;
  };
  const prototype = RequestQueue.prototype;
  if (prototype.idleTimerFixed) return;
  const schedule = prototype.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function') return; // another kafkajs: nothing to correct
  prototype.scheduleCheckPendingRequests = function (this: RequestQueuePrototype): void {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
  prototype.idleTimerFixed = true;
}
