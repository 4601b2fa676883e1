import { createTestDatabase, eventually, testInfrastructure } from '@app/testing';
import { Client } from 'pg';
import { BackendCpu, cpuSeconds } from './process-sampler';

/**
 * The bench's PostgreSQL figure counts every backend of the run's databases. A pool closes a
 * connection idle for 10 s, so backends end within a run: what they did must still count.
 */
describe("the bench's PostgreSQL CPU (real PostgreSQL)", () => {
  const { postgresAdminUrl } = testInfrastructure();
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase('sampler');
  });

  it('keeps the time of a backend that ended before the end of the window', async () => {
    const cpu = new BackendCpu(postgresAdminUrl, { run: new URL(url).pathname.slice(1) });
    await cpu.mark();
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0].pid;
    // Work in the backend until /proc shows it used 0.3 s of CPU.
    while ((cpuSeconds(pid) ?? 0) < 0.3) {
      await client.query('SELECT count(*) FROM generate_series(1, 500000)');
    }
    const used = cpuSeconds(pid)!;
    await cpu.poll(); // a periodic reading, as the run takes every second
    await client.end();
    const admin = new Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    try {
      await eventually(async () => {
        const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (left.rowCount !== 0) throw new Error(`backend ${pid} has not ended yet`);
      });
    } finally {
      await admin.end();
    }

    const seconds = await cpu.sinceMark();

    expect(seconds['postgres (run databases)']).toBeGreaterThanOrEqual(used - 0.005);
  });
});
