import { Socket } from 'node:net';
import { ClientBase } from 'pg';
import { DataSource } from 'typeorm';

/** What went over a connection's socket, in order: what the client wrote, what it read. */
export type Traffic = ({ wrote: string } | { read: true })[];

/**
 * The socket of the connection a pool of one hands out (`extra: { max: 1 }`): the one every
 * transaction of that data source uses.
 */
async function socketOfPool(dataSource: DataSource): Promise<Socket> {
  const runner = dataSource.createQueryRunner();
  const stream = ((await runner.connect()) as ClientBase & { connection: { stream: Socket } })
    .connection.stream;
  await runner.release();
  return stream;
}

/** Records the traffic of the connection a pool of one hands out (socketOfPool), from now on. */
export async function watchConnection(dataSource: DataSource): Promise<Traffic> {
  const stream = await socketOfPool(dataSource);
  const traffic: Traffic = [];
  // First: node-postgres writes the next query from its own 'data' listener.
  stream.prependListener('data', () => traffic.push({ read: true }));
  const write = stream.write.bind(stream) as (chunk: Buffer, ...rest: unknown[]) => boolean;
  stream.write = (chunk: Buffer, ...rest: unknown[]) => {
    traffic.push({ wrote: chunk.toString('latin1') });
    return write(chunk, ...rest);
  };
  return traffic;
}

/**
 * Round trips in `traffic`: the times the client, having written, read an answer before it wrote
 * again (or at the end). Statements written one after another count once.
 */
export function roundTrips(traffic: Traffic): number {
  return traffic.filter((entry, i) => 'wrote' in entry && !('wrote' in (traffic[i + 1] ?? {})))
    .length;
}

/**
 * Counts, from now on, the writes to the socket of the connection a pool of one hands out
 * (socketOfPool): each one system call, however many messages it carries (what Writable hands to
 * `_write` or, corked, to `_writev`).
 */
export async function countSocketWrites(dataSource: DataSource): Promise<() => number> {
  const stream = await socketOfPool(dataSource);
  let writes = 0;
  const socket = stream as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method].bind(stream);
    socket[method] = (...args: unknown[]) => {
      writes++;
      return original(...args);
    };
  }
  return () => writes;
}

/**
 * Statements in `traffic`: the queries the client wrote, each a simple query ('Q') or an extended
 * one ended by its Sync ('S'), read from the frontend messages (a type byte, then a length that
 * counts itself). Statements sent together count one each: each is answered apart.
 */
export function statementsIn(traffic: Traffic): number {
  const bytes = Buffer.from(
    traffic.map((entry) => ('wrote' in entry ? entry.wrote : '')).join(''),
    'latin1',
  );
  let statements = 0;
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    const type = String.fromCharCode(bytes[at]);
    if (type === 'Q' || type === 'S') statements++;
  }
  return statements;
}
