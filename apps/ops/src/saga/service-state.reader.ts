import { Client } from 'pg';
import { OpsEnvironment } from '../ops.config';

/** Where a service keeps the current state of an order, and which columns tell it (no personal data). */
interface StateSource {
  service: string;
  databaseUrl: string;
  table: string;
  keyColumn: string;
  columns: string[];
}

export interface ServiceState {
  service: string;
  /** The row's status/state column, when found. */
  status?: string;
  /** The shown columns of the row (only those the table has). */
  fields?: Record<string, unknown>;
  /** Why there is no state: no row, no table, no database, no server. */
  note?: string;
}

export function stateSourcesOf(env: OpsEnvironment): StateSource[] {
  return [
    {
      service: 'billing',
      databaseUrl: env.BILLING_DATABASE_URL,
      table: 'orders',
      keyColumn: 'id',
      columns: [
        'status',
        'payment_id',
        'refund_id',
        'created_at',
        'paid_at',
        'fulfilled_at',
        'refunded_at',
        'updated_at',
      ],
    },
    {
      service: 'eligibility',
      databaseUrl: env.ELIGIBILITY_DATABASE_URL,
      table: 'eligibility_cases',
      keyColumn: 'order_id',
      columns: [
        'state',
        'outcome',
        'reasons',
        'review_id',
        'checked_at',
        'decided_at',
        'closed_at',
      ],
    },
    {
      service: 'licensing',
      databaseUrl: env.LICENSING_DATABASE_URL,
      table: 'reactivation_cases',
      keyColumn: 'order_id',
      columns: [
        'state',
        'scheduled_for',
        'reasons',
        'resuspended_license_ids',
        'cleared_hold_ids',
        'note',
        'completed_at',
      ],
    },
    {
      service: 'notifications',
      databaseUrl: env.NOTIFICATIONS_DATABASE_URL,
      table: 'reactivations',
      keyColumn: 'order_id',
      columns: [
        'status',
        'progress_stage',
        'progress_at',
        'stalled_stage',
        'stall_deadline',
        'updated_at',
      ],
    },
  ];
}

/**
 * What each service's database says about an order, read-only. A service that is not deployed or
 * not migrated yet gives a note instead of failing the whole inspection.
 */
export class ServiceStateReader {
  constructor(private readonly sources: StateSource[]) {}

  async read(orderId: string): Promise<ServiceState[]> {
    return Promise.all(this.sources.map((source) => this.readOne(source, orderId)));
  }

  private async readOne(source: StateSource, orderId: string): Promise<ServiceState> {
    const client = new Client({
      connectionString: source.databaseUrl,
      connectionTimeoutMillis: 3000,
      statement_timeout: 5000,
      application_name: 'reactivation-ops',
    });
    const database = databaseNameOf(source.databaseUrl);
    try {
      await client.connect();
      await client.query('SET default_transaction_read_only = on');
      const { rows } = await client.query<{ row: Record<string, unknown> }>(
        `SELECT to_jsonb(t) AS row FROM ${quoteIdent(source.table)} t WHERE ${quoteIdent(source.keyColumn)} = $1`,
        [orderId],
      );
      if (rows.length === 0)
        return { service: source.service, note: `no ${source.table} row for this order` };
      const row = rows[0].row;
      const fields = Object.fromEntries(
        source.columns.filter((c) => c in row).map((c) => [c, row[c]]),
      );
      const status = row.status ?? row.state;
      return { service: source.service, ...(typeof status === 'string' ? { status } : {}), fields };
    } catch (error) {
      return { service: source.service, note: explainDatabaseError(error, database, source.table) };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function explainDatabaseError(error: unknown, database: string, table: string): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '3D000') return `database ${database} does not exist (service not deployed here?)`;
  if (code === '42P01')
    return `table ${table} does not exist yet in ${database} (migrations not run?)`;
  if (code === 'ECONNREFUSED' || /timeout/i.test(message)) {
    return `PostgreSQL unreachable for ${database} (${message}); check the *_DATABASE_URL variables`;
  }
  return `could not read ${database}.${table}: ${message}`;
}

function databaseNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || '(default)';
  } catch {
    return '(unparsable URL)';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
