/**
 * The floor's licensing: EligibilityVerified reactivates the order's licenses (each the account's,
 * suspended or already active, not expired), clears the verified holds, activates the account, and
 * emits EntitlementsRestored (with each contract's terms fingerprint) and a LicenseReactivated per
 * license.
 */
import {
  EligibilityVerified,
  EntitlementDto,
  EntitlementsRestored,
  EventSources,
  LicenseReactivated,
} from '@app/contracts';
import { PoolClient } from 'pg';
import { termsFingerprint } from './floor-schema';
import { FloorOutgoing, FloorRecord, outgoing } from './floor-service';

interface LicenseRow {
  license_id: string;
  account_id: string;
  contract_id: string;
  product: string;
  status: string;
  expires_at: Date;
  starts_at: Date;
  ends_at: Date;
  renewal_terms: string;
  entitlements: EntitlementDto[];
}

export function floorLicensing() {
  const counts = { failed: 0 };
  const handle = async (db: PoolClient, records: FloorRecord[]): Promise<FloorOutgoing[]> => {
    const now = new Date();
    const verified = records.filter((r) => r.event.type === EligibilityVerified.type);
    if (verified.length === 0) return [];
    const all = verified.map((r) => ({
      record: r,
      data: r.event.data as unknown as EligibilityVerified,
    }));
    // One case per order: a replay under a new event id restores nothing twice.
    const { rows: created } = await db.query<{ order_id: string }>(
      `INSERT INTO licensing.cases (order_id, account_id, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT DO NOTHING RETURNING order_id`,
      [
        all.map((v) => v.data.orderId),
        all.map((v) => v.data.accountId),
        all.map(() => 'ACTIVATING'),
      ],
    );
    const isNew = new Set(created.map((row) => row.order_id));
    const cases = all.filter((v) => isNew.has(v.data.orderId));
    if (cases.length === 0) return [];
    const { rows } = await db.query<LicenseRow>(
      `SELECT l.license_id, l.account_id, l.contract_id, l.product, l.status, l.expires_at,
         c.starts_at, c.ends_at, c.renewal_terms, c.entitlements
       FROM licensing.licenses l JOIN licensing.contracts c USING (contract_id)
       WHERE l.license_id = ANY($1) ORDER BY l.license_id FOR UPDATE OF l`,
      [cases.flatMap((v) => v.data.licenseIds)],
    );
    const licenses = new Map(rows.map((row) => [row.license_id, row]));
    const done: { record: FloorRecord; data: EligibilityVerified; licenses: LicenseRow[] }[] = [];
    const states: string[] = [];
    for (const v of cases) {
      const mine = v.data.licenseIds.map((id) => licenses.get(id));
      const ok = mine.every(
        (l) =>
          l !== undefined &&
          l.account_id === v.data.accountId &&
          (l.status === 'SUSPENDED' || l.status === 'ACTIVE') &&
          l.expires_at > now,
      );
      states.push(ok ? 'RESTORED' : 'FAILED');
      if (ok) done.push({ ...v, licenses: mine as LicenseRow[] });
      else counts.failed++;
    }
    await db.query(
      `WITH c AS (SELECT * FROM unnest($1::text[], $2::text[]) AS c(order_id, state)),
       cases AS (UPDATE licensing.cases k SET state = c.state FROM c WHERE k.order_id = c.order_id),
       l AS (SELECT * FROM unnest($3::text[], $4::text[]) AS l(license_id, order_id)),
       licenses AS (
         UPDATE licensing.licenses x SET status = 'ACTIVE', reactivated_by = l.order_id
         FROM l WHERE x.license_id = l.license_id),
       holds AS (
         UPDATE licensing.holds SET state = 'CLEARED' WHERE hold_id = ANY($5) AND state = 'ACTIVE')
       UPDATE licensing.accounts a SET status = 'ACTIVE' WHERE a.account_id = ANY($6)
         AND NOT EXISTS (SELECT 1 FROM licensing.holds h WHERE h.account_id = a.account_id
                         AND h.state = 'ACTIVE' AND h.hold_id <> ALL($5))`,
      [
        cases.map((v) => v.data.orderId),
        states,
        done.flatMap((d) => d.licenses.map((l) => l.license_id)),
        done.flatMap((d) => d.licenses.map(() => d.data.orderId)),
        done.flatMap((d) => d.data.holdIds),
        done.map((d) => d.data.accountId),
      ],
    );
    return done.flatMap(({ record, data, licenses: mine }) => {
      const contracts = new Map(
        mine.map((l) => [
          l.contract_id,
          termsFingerprint({
            contractId: l.contract_id,
            startsAt: l.starts_at.toISOString(),
            endsAt: l.ends_at.toISOString(),
            renewalTerms: l.renewal_terms,
            entitlements: l.entitlements,
          }),
        ]),
      );
      return [
        outgoing(
          EntitlementsRestored,
          {
            orderId: data.orderId,
            accountId: data.accountId,
            licenses: mine.map((l) => ({
              licenseId: l.license_id,
              contractId: l.contract_id,
              product: l.product,
              expiresAt: l.expires_at.toISOString(),
              entitlements: l.entitlements,
            })),
            contracts: [...contracts].map(([contractId, fingerprint]) => ({
              contractId,
              termsFingerprint: fingerprint,
            })),
            termsUnchanged: true,
            clearedHoldIds: data.holdIds,
            restoredAt: now.toISOString(),
          },
          { source: EventSources.Licensing, cause: record.event },
          now,
        ),
        ...mine.map((l) =>
          outgoing(
            LicenseReactivated,
            {
              licenseId: l.license_id,
              accountId: data.accountId,
              orderId: data.orderId,
              entitlements: l.entitlements,
              expiresAt: l.expires_at.toISOString(),
            },
            { source: EventSources.Licensing, cause: record.event },
            now,
          ),
        ),
      ];
    });
  };
  return { handle, counts };
}
