/**
 * The floor's eligibility: decides each OrderPaid from its own copy of the account (no open case
 * for the account, nothing outstanding, every license the account's, every active hold one a
 * payment clears) and emits EligibilityVerified; keeps its copy current from EntitlementsRestored.
 */
import { EligibilityVerified, EntitlementsRestored, EventSources, OrderPaid } from '@app/contracts';
import { PoolClient } from 'pg';
import { FloorOutgoing, FloorRecord, outgoing } from './floor-service';

interface AccountCopy {
  account_id: string;
  status: string;
  balance_minor: string;
  license_ids: string[];
  holds: { holdId: string; category: string; state: string }[];
  open_case: boolean;
}

/** Holds a paid reactivation clears; any other active hold needs a person. */
const CLEARABLE = new Set(['BILLING_HOLD']);

export function floorEligibility() {
  const counts = { rejected: 0 };
  const handle = async (db: PoolClient, records: FloorRecord[]): Promise<FloorOutgoing[]> => {
    const now = new Date();
    const restored = records.filter((r) => r.event.type === EntitlementsRestored.type);
    if (restored.length > 0) await applyRestored(db, restored);
    const paid = records.filter((r) => r.event.type === OrderPaid.type);
    return paid.length > 0 ? decide(db, paid, now, counts) : [];
  };
  return { handle, counts };
}

async function applyRestored(db: PoolClient, restored: FloorRecord[]): Promise<void> {
  const changes = restored.map((r) => {
    const data = r.event.data as unknown as EntitlementsRestored;
    return { accountId: data.accountId, orderId: data.orderId, cleared: data.clearedHoldIds };
  });
  await db.query(
    `WITH c AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
                  AS c("accountId" text, "orderId" text, cleared text[])),
     accounts AS (
       UPDATE eligibility.accounts a SET status = 'ACTIVE',
         holds = (SELECT coalesce(jsonb_agg(CASE WHEN h->>'holdId' = ANY(c.cleared)
                    THEN jsonb_set(h, '{state}', '"CLEARED"') ELSE h END), '[]'::jsonb)
                  FROM jsonb_array_elements(a.holds) h)
       FROM c WHERE a.account_id = c."accountId")
     UPDATE eligibility.cases k SET state = 'RESTORED' FROM c WHERE k.order_id = c."orderId"`,
    [JSON.stringify(changes)],
  );
}

async function decide(
  db: PoolClient,
  paid: FloorRecord[],
  now: Date,
  counts: { rejected: number },
): Promise<FloorOutgoing[]> {
  const orders = paid.map((r) => r.event.data as unknown as OrderPaid);
  const { rows } = await db.query<AccountCopy>(
    `SELECT a.account_id, a.status, a.balance_minor, a.license_ids, a.holds,
       EXISTS (SELECT 1 FROM eligibility.cases k
               WHERE k.account_id = a.account_id AND k.state = 'VERIFIED') AS open_case
     FROM eligibility.accounts a WHERE a.account_id = ANY($1) ORDER BY a.account_id FOR UPDATE`,
    [orders.map((o) => o.accountId)],
  );
  const accounts = new Map(rows.map((row) => [row.account_id, row]));
  const cases: { orderId: string; accountId: string; state: string; reasons: string[] }[] = [];
  const out: FloorOutgoing[] = [];
  orders.forEach((order, i) => {
    const account = accounts.get(order.accountId);
    const reasons: string[] = [];
    if (!account) reasons.push('ACCOUNT_UNKNOWN');
    else {
      if (account.open_case) reasons.push('REACTIVATION_IN_PROGRESS');
      if (Number(account.balance_minor) > 0) reasons.push('OUTSTANDING_BALANCE');
      if (!order.licenseIds.every((id) => account.license_ids.includes(id)))
        reasons.push('LICENSE_NOT_ON_ACCOUNT');
      if (account.holds.some((h) => h.state === 'ACTIVE' && !CLEARABLE.has(h.category)))
        reasons.push('HOLD_NOT_CLEARABLE');
    }
    cases.push({
      orderId: order.orderId,
      accountId: order.accountId,
      state: reasons.length === 0 ? 'VERIFIED' : 'REJECTED',
      reasons,
    });
    if (reasons.length > 0 || !account) {
      counts.rejected++;
      return;
    }
    account.open_case = true; // a second order of the account in this batch waits its turn
    out.push(
      outgoing(
        EligibilityVerified,
        {
          orderId: order.orderId,
          accountId: order.accountId,
          licenseIds: order.licenseIds,
          holdIds: account.holds.filter((h) => h.state === 'ACTIVE').map((h) => h.holdId),
          verifiedAt: now.toISOString(),
        },
        { source: EventSources.Eligibility, cause: paid[i].event },
        now,
      ),
    );
  });
  // A replayed OrderPaid under a new event id finds its case: nothing is emitted twice.
  const { rows: inserted } = await db.query<{ order_id: string }>(
    `INSERT INTO eligibility.cases (order_id, account_id, state, reasons)
     SELECT "orderId", "accountId", state, reasons FROM jsonb_to_recordset($1::jsonb)
       AS c("orderId" text, "accountId" text, state text, reasons text[])
     ON CONFLICT DO NOTHING RETURNING order_id`,
    [JSON.stringify(cases)],
  );
  const isNew = new Set(inserted.map((row) => row.order_id));
  return out.filter((o) => isNew.has((o.event.data as { orderId: string }).orderId));
}
