import { Writable } from 'node:stream';
import { ClientBase } from 'pg';

/** Sockets whose writes are held until the end of this turn of the event loop. */
const held = new WeakSet<Writable>();

/**
 * Holds what is written to the connection's socket until the code running now, and the promise
 * continuations it queues, have run, then writes it at once: BEGIN with the first statement,
 * statements sent together, the closing statement with COMMIT. node-postgres writes each
 * statement (and BEGIN, and COMMIT) on its own: on the loopback, each write is a system call that
 * carries the packet to PostgreSQL's backend and wakes it, and each wake-up sends its own answer
 * back. Nothing waits for an answer meanwhile, so nothing waits longer than the turn it was
 * written in; statements go out in the order they were written, as before.
 */
export function coalesceWrites(connection: ClientBase): void {
  const socket = (connection as ClientBase & { connection?: { stream?: Writable } }).connection
    ?.stream;
  if (!socket || held.has(socket)) return;
  held.add(socket);
  socket.cork();
  process.nextTick(() => {
    held.delete(socket);
    socket.uncork();
  });
}
