import {
  AccountSnapshot,
  ActivationScheduled,
  ConsumerGroups,
  deadLetterTopicOf,
  EligibilityVerified,
  EntitlementsRestored,
  LicenseReactivated,
  ReactivationFailed,
  Topics,
} from '@app/contracts';
import {
  accountsOnOnePartition,
  createTestDatabase,
  createTestTopics,
  eventually,
  queryDatabase,
  ServiceProcess,
  startService,
  TEST_SUPPORT_TOKEN,
  TestPublisher,
  TopicRecorder,
  daysFromNow,
  quiesceServices,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

const CONTRACT_START = daysFromNow(-300);
const CONTRACT_END = daysFromNow(900);
const LICENSE_EXPIRY = daysFromNow(500);

type HoldBody = { holdId: string; category: string; reason: string; state: string };

/** An account as ops import it: suspended, a billing hold, one contract, licenses as given. */
function accountBody(
  licenses: { licenseId: string; status: string; expiresAt?: string }[],
  suffix: string,
  extraHolds: HoldBody[] = [],
) {
  return {
    region: 'EU',
    status: 'SUSPENDED',
    outstandingBalance: { amountMinor: 0, currency: 'EUR' },
    holds: [
      {
        holdId: `h-${suffix}`,
        category: 'BILLING_HOLD',
        reason: 'unpaid invoice',
        state: 'ACTIVE',
      },
      ...extraHolds,
    ],
    contracts: [
      {
        contractId: `c-${suffix}`,
        startsAt: CONTRACT_START,
        endsAt: CONTRACT_END,
        renewalTerms: 'AUTO_RENEW_12M',
        entitlements: [
          { code: 'VIDEO', name: 'Video meetings' },
          { code: 'AUDIO', name: 'Audio conferencing' },
        ],
      },
    ],
    licenses: licenses.map((l) => ({
      licenseId: l.licenseId,
      contractId: `c-${suffix}`,
      product: 'Poly Lens',
      status: l.status,
      expiresAt: l.expiresAt ?? LICENSE_EXPIRY,
    })),
  };
}

function verified(
  accountId: string,
  licenseIds: string[],
  holdIds: string[],
  changeWindow?: { startsAt: string; endsAt: string },
) {
  return {
    orderId: randomUUID(),
    accountId,
    licenseIds,
    holdIds,
    ...(changeWindow ? { changeWindow } : {}),
    verifiedAt: new Date().toISOString(),
  } as EligibilityVerified;
}

describe('licensing service (real Kafka, real PostgreSQL)', () => {
  let databaseUrl: string;
  let prefix: string;
  let recorder: TopicRecorder;
  let publisher: TestPublisher;
  let service: ServiceProcess;

  const start = () =>
    startService('licensing', {
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      ACTIVATION_SWEEP_MS: '200',
    });

  const licenseRows = (ids: string[]) =>
    queryDatabase<{ id: string; status: string; expires_at: Date }>(
      databaseUrl,
      'SELECT id, status, expires_at FROM licenses WHERE id = ANY($1) ORDER BY id',
      [ids],
    );

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('licensing');
    prefix = await createTestTopics();
    recorder = await TopicRecorder.start(prefix, [
      Topics.LicensingAccounts,
      Topics.ReactivationLicensing,
      Topics.LicensingActivations,
      deadLetterTopicOf(ConsumerGroups.Licensing),
    ]);
    publisher = await TestPublisher.connect(prefix);
    service = await start();
  });

  afterAll(async () => {
    await service?.stop();
    await publisher?.disconnect();
    await recorder?.stop();
  });

  it('imports an account whole and publishes its snapshot; rejects bad input and foreign ids', async () => {
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const put = await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId: `${accountId}-l1`, status: 'SUSPENDED' }], accountId),
    );
    expect(put.status).toBe(200);

    const snapshot = await recorder.waitForEvent<AccountSnapshot>(
      AccountSnapshot.type,
      (d) => d.accountId === accountId,
    );
    expect(snapshot.subject).toBe(accountId);
    expect(snapshot.data).toMatchObject({
      status: 'SUSPENDED',
      version: 1,
      holds: [{ holdId: `h-${accountId}`, state: 'ACTIVE' }],
      licenses: [{ licenseId: `${accountId}-l1`, status: 'SUSPENDED' }],
    });
    expect(snapshot.data.contracts[0].termsFingerprint).toMatch(/^[0-9a-f]{64}$/);

    const read = await service.http<{ version: number }>(
      'GET',
      `/accounts/${accountId}`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(read.status).toBe(200);
    expect(read.body.version).toBe(1);
    expect((await service.http('GET', `/accounts/${accountId}`, undefined, null)).status).toBe(401);
    expect(
      (
        await service.http(
          'PUT',
          `/accounts/${accountId}`,
          accountBody([], accountId),
          TEST_SUPPORT_TOKEN,
        )
      ).status,
    ).toBe(403);

    const dangling = accountBody([{ licenseId: `${accountId}-l2`, status: 'ACTIVE' }], accountId);
    dangling.licenses[0].contractId = 'no-such-contract';
    const invalid = await service.http<{ code: string; details: { problems: string[] } }>(
      'PUT',
      `/accounts/${accountId}`,
      dangling,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('INVALID_ACCOUNT');
    expect(invalid.body.details.problems).toEqual([
      `license ${accountId}-l2 refers to contract no-such-contract, not in this account`,
    ]);
    expect(
      (
        await service.http('PUT', `/accounts/${accountId}`, {
          ...accountBody([], accountId),
          status: 'DORMANT',
        })
      ).status,
    ).toBe(400);

    const other = `acc-${randomUUID().slice(0, 8)}`;
    const stolen = await service.http<{ code: string }>(
      'PUT',
      `/accounts/${other}`,
      accountBody([{ licenseId: `${accountId}-l1`, status: 'ACTIVE' }], other),
    );
    expect(stolen.status).toBe(409);
    expect(stolen.body.code).toBe('LICENSE_OWNED_BY_ANOTHER_ACCOUNT');
  });

  it('reinstates at once: every license active with its contract entitlements, expiry untouched, holds cleared', async () => {
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const ids = [`${accountId}-l1`, `${accountId}-l2`];
    await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody(
        [
          { licenseId: ids[0], status: 'SUSPENDED' },
          { licenseId: ids[1], status: 'ACTIVE' },
        ],
        accountId,
      ),
    );
    const expiryBefore = (await licenseRows(ids)).map((row) => row.expires_at.toISOString());
    // An entitlement the contract does not grant, on the license that is active already.
    await queryDatabase(
      databaseUrl,
      `INSERT INTO license_entitlements (license_id, code, name, granted_at)
       VALUES ($1, 'STALE', 'Not granted by the contract', now())`,
      [ids[1]],
    );

    const data = verified(accountId, ids, [`h-${accountId}`]);
    const sent = await publisher.event(EligibilityVerified, data);

    const restored = await recorder.waitForEvent<EntitlementsRestored>(
      EntitlementsRestored.type,
      (d) => d.orderId === data.orderId,
    );
    expect(restored.correlationid).toBe(data.orderId);
    expect(restored.causationid).toBe(sent.id);
    const entitlements = [
      { code: 'AUDIO', name: 'Audio conferencing' },
      { code: 'VIDEO', name: 'Video meetings' },
    ];
    expect(restored.data).toMatchObject({
      accountId,
      termsUnchanged: true,
      clearedHoldIds: [`h-${accountId}`],
      licenses: ids.map((licenseId) => ({
        licenseId,
        contractId: `c-${accountId}`,
        expiresAt: LICENSE_EXPIRY,
        entitlements,
      })),
    });
    const imported = recorder
      .events<AccountSnapshot>(AccountSnapshot.type)
      .find((e) => e.data.accountId === accountId)!;
    expect(restored.data.contracts).toEqual([
      {
        contractId: `c-${accountId}`,
        termsFingerprint: imported.data.contracts[0].termsFingerprint,
      },
    ]);

    const reactivated = await eventually(async () => {
      const events = recorder
        .events<LicenseReactivated>(LicenseReactivated.type)
        .filter((e) => e.data.orderId === data.orderId);
      if (events.length < 2) throw new Error(`${events.length} LicenseReactivated so far`);
      return events;
    });
    expect(reactivated.map((e) => e.data.licenseId).sort()).toEqual(ids);

    const rows = await licenseRows(ids);
    expect(rows.map((row) => row.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(rows.map((row) => row.expires_at.toISOString())).toEqual(expiryBefore);
    // Exactly what the contract grants; only the license switched on is restored by the order.
    const held = await queryDatabase<{ license_id: string; code: string; order_id: string | null }>(
      databaseUrl,
      `SELECT license_id, code, restored_by_order_id AS order_id FROM license_entitlements
        WHERE license_id = ANY($1) ORDER BY license_id, code`,
      [ids],
    );
    expect(held).toEqual([
      { license_id: ids[0], code: 'AUDIO', order_id: data.orderId },
      { license_id: ids[0], code: 'VIDEO', order_id: data.orderId },
      { license_id: ids[1], code: 'AUDIO', order_id: null },
      { license_id: ids[1], code: 'VIDEO', order_id: null },
    ]);

    const snapshot = await recorder.waitForEvent<AccountSnapshot>(
      AccountSnapshot.type,
      (d) => d.accountId === accountId && d.version === 2,
    );
    expect(snapshot.data.status).toBe('ACTIVE');
    expect(snapshot.data.holds).toEqual([
      expect.objectContaining({ holdId: `h-${accountId}`, state: 'CLEARED' }),
    ]);

    const state = await service.http<{ state: string }>(
      'GET',
      `/reactivations/${data.orderId}`,
      undefined,
      TEST_SUPPORT_TOKEN,
    );
    expect(state.body.state).toBe('RESTORED');

    // A redelivery (same event) and a replay under a new id both change nothing.
    await publisher.again(Topics.ReactivationEligibility, sent);
    await publisher.event(EligibilityVerified, data);
    await quiesceServices([service], recorder);
    expect(
      recorder
        .events<EntitlementsRestored>(EntitlementsRestored.type)
        .filter((e) => e.data.orderId === data.orderId),
    ).toHaveLength(1);
    expect(
      recorder
        .events<AccountSnapshot>(AccountSnapshot.type)
        .filter((e) => e.data.accountId === accountId),
    ).toHaveLength(2);
  });

  it('decides a run of verified orders of several accounts, fetched together, each on its own account as one by one would', async () => {
    // Keys on one partition, published while the service is down: one fetch, one chunk.
    const [a, b, c] = accountsOnOnePartition(3);
    const licenseOf = (accountId: string) => `${accountId}-l1`;
    for (const accountId of [a, b, c]) {
      const put = await service.http(
        'PUT',
        `/accounts/${accountId}`,
        accountBody([{ licenseId: licenseOf(accountId), status: 'SUSPENDED' }], accountId),
      );
      expect(put.status).toBe(200);
    }
    // c: a FRAUD hold added after eligibility verified.
    await service.http(
      'PUT',
      `/accounts/${c}`,
      accountBody([{ licenseId: licenseOf(c), status: 'SUSPENDED' }], c, [fraudHold(c)]),
    );
    const runOf = [a, b, c, a].map((accountId) =>
      verified(accountId, [licenseOf(accountId)], [`h-${accountId}`]),
    );
    await service.stop();
    for (const data of runOf) await publisher.event(EligibilityVerified, data);
    service = await start();

    const outcomeOf = async (orderId: string) => {
      const { event } = await recorder.waitFor(
        (r) =>
          (r.event?.type === EntitlementsRestored.type ||
            r.event?.type === ReactivationFailed.type) &&
          (r.event.data as { orderId?: string }).orderId === orderId,
        30_000,
        `the outcome of ${orderId}`,
      );
      return event!.type === EntitlementsRestored.type
        ? 'RESTORED'
        : (event!.data as unknown as ReactivationFailed).reasons.join(',');
    };
    expect(await Promise.all(runOf.map((data) => outcomeOf(data.orderId)))).toEqual([
      'RESTORED',
      'RESTORED',
      'HOLD_NOT_CLEARABLE',
      // The second order of a: its account is ACTIVE by then, as one by one would find it.
      'ACCOUNT_NOT_SUSPENDED',
    ]);
    const statuses = new Map(
      (await licenseRows([a, b, c].map(licenseOf))).map((row) => [row.id, row.status]),
    );
    expect([a, b, c].map((accountId) => statuses.get(licenseOf(accountId)))).toEqual([
      'ACTIVE',
      'ACTIVE',
      'SUSPENDED',
    ]);
    for (const accountId of [a, b]) {
      const snapshot = await recorder.waitForEvent<AccountSnapshot>(
        AccountSnapshot.type,
        (d) => d.accountId === accountId && d.version === 2,
      );
      expect(snapshot.data.status).toBe('ACTIVE');
      expect(snapshot.data.holds).toEqual([
        expect.objectContaining({ holdId: `h-${accountId}`, state: 'CLEARED' }),
      ]);
    }
    // c wrote nothing: its account and license as they were.
    const account = await service.http<{ status: string }>('GET', `/accounts/${c}`);
    expect(account.body.status).toBe('SUSPENDED');
  });

  it('schedules a change window ahead and activates at its start, across a restart', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    const startsAt = new Date(Date.now() + 2000);
    const data = verified(accountId, [licenseId], [`h-${accountId}`], {
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
    });
    await publisher.event(EligibilityVerified, data);

    const scheduled = await recorder.waitForEvent<ActivationScheduled>(
      ActivationScheduled.type,
      (d) => d.orderId === data.orderId,
    );
    expect(scheduled.data.scheduledFor).toBe(startsAt.toISOString());
    expect((await licenseRows([licenseId]))[0].status).toBe('SUSPENDED');

    // Down across the window's start: the schedule lives in the database, not in the process.
    await service.stop();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, startsAt.getTime() - Date.now()) + 200),
    );
    expect((await licenseRows([licenseId]))[0].status).toBe('SUSPENDED');
    service = await start();

    const restored = await recorder.waitForEvent<EntitlementsRestored>(
      EntitlementsRestored.type,
      (d) => d.orderId === data.orderId,
    );
    expect(Date.parse(restored.data.restoredAt)).toBeGreaterThanOrEqual(startsAt.getTime());
    expect(restored.correlationid).toBe(data.orderId);
    expect((await licenseRows([licenseId]))[0].status).toBe('ACTIVE');
    const state = await service.http<{ state: string; windowMissed: boolean }>(
      'GET',
      `/reactivations/${data.orderId}`,
    );
    expect(state.body).toMatchObject({ state: 'RESTORED', windowMissed: false });
  });

  it('still activates when the change window has already ended, and says so', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    const data = verified(accountId, [licenseId], [`h-${accountId}`], {
      startsAt: new Date(Date.now() - 7200_000).toISOString(),
      endsAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    await publisher.event(EligibilityVerified, data);

    await recorder.waitForEvent<EntitlementsRestored>(
      EntitlementsRestored.type,
      (d) => d.orderId === data.orderId,
    );
    const state = await service.http<{ state: string; windowMissed: boolean; note: string }>(
      'GET',
      `/reactivations/${data.orderId}`,
    );
    expect(state.body).toMatchObject({ state: 'RESTORED', windowMissed: true });
    expect(state.body.note).toMatch(/window had ended/);
    expect(
      recorder
        .events<ActivationScheduled>(ActivationScheduled.type)
        .filter((e) => e.data.orderId === data.orderId),
    ).toHaveLength(0);
  });

  it('fails the saga (no dead letter) on contract terms that drifted from their fingerprint', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    // Someone edits the contract behind the registry's back.
    await queryDatabase(
      databaseUrl,
      `UPDATE contracts SET renewal_terms = 'NO_RENEWAL' WHERE account_id = $1`,
      [accountId],
    );
    const data = verified(accountId, [licenseId], [`h-${accountId}`]);
    await publisher.event(EligibilityVerified, data);

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(failed.data).toMatchObject({
      reasons: ['CONTRACT_TERMS_CHANGED'],
      resuspendedLicenseIds: [],
    });
    expect(failed.correlationid).toBe(data.orderId);
    await expectNothingWritten(accountId, [licenseId], data.orderId, 'CONTRACT_TERMS_CHANGED');
  });

  it('fails a case with a revoked license before writing anything: no license switched on, no hold cleared', async () => {
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const ids = [`${accountId}-l1`, `${accountId}-l2`, `${accountId}-l3`];
    await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody(
        [
          { licenseId: ids[0], status: 'SUSPENDED' },
          { licenseId: ids[1], status: 'SUSPENDED' },
          { licenseId: ids[2], status: 'REVOKED' },
        ],
        accountId,
      ),
    );
    const data = verified(accountId, ids, [`h-${accountId}`]);
    await publisher.event(EligibilityVerified, data);

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(failed.data).toMatchObject({ reasons: ['LICENSE_REVOKED'], resuspendedLicenseIds: [] });
    await expectNothingWritten(accountId, ids, data.orderId, 'LICENSE_REVOKED', [
      'SUSPENDED',
      'SUSPENDED',
      'REVOKED',
    ]);
  });

  it('re-checks holds at once: a FRAUD hold added in the registry after eligibility verified fails the saga', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    // Eligibility verified on its copy (the billing hold only); then ops add a FRAUD hold.
    const data = verified(accountId, [licenseId], [`h-${accountId}`]);
    const put = await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId, status: 'SUSPENDED' }], accountId, [fraudHold(accountId)]),
    );
    expect(put.status).toBe(200);
    await publisher.event(EligibilityVerified, data);

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(failed.data.reasons).toEqual(['HOLD_NOT_CLEARABLE']);
    await expectNothingWritten(accountId, [licenseId], data.orderId, 'HOLD_NOT_CLEARABLE');
  });

  it('re-checks holds at the window start: a FRAUD hold added after ActivationScheduled fails the saga', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    const startsAt = new Date(Date.now() + 4000);
    const data = verified(accountId, [licenseId], [`h-${accountId}`], {
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
    });
    await publisher.event(EligibilityVerified, data);
    await recorder.waitForEvent<ActivationScheduled>(
      ActivationScheduled.type,
      (d) => d.orderId === data.orderId,
    );
    const put = await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId, status: 'SUSPENDED' }], accountId, [fraudHold(accountId)]),
    );
    expect(put.status).toBe(200);
    // The window had not opened when the hold was added: the activation had not run yet.
    expect(Date.now()).toBeLessThan(startsAt.getTime());

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(Date.parse(failed.data.failedAt)).toBeGreaterThanOrEqual(startsAt.getTime());
    expect(failed.data.reasons).toEqual(['HOLD_NOT_CLEARABLE']);
    await expectNothingWritten(accountId, [licenseId], data.orderId, 'HOLD_NOT_CLEARABLE');
  });

  it('fails a scheduled activation that hits an error of its own to a refund (REACTIVATION_ERROR), never parking it', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    await refuseUpdatesOf(licenseId);
    const startsAt = new Date(Date.now() + 1000);
    const data = verified(accountId, [licenseId], [`h-${accountId}`], {
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
    });
    await publisher.event(EligibilityVerified, data);

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(failed.data).toMatchObject({
      reasons: ['REACTIVATION_ERROR'],
      resuspendedLicenseIds: [],
    });
    expect(failed.correlationid).toBe(data.orderId);
    const state = await service.http<{ state: string; note: string }>(
      'GET',
      `/reactivations/${data.orderId}`,
    );
    expect(state.body.note).toMatch(/refused by a test trigger/);
    await expectNothingWritten(accountId, [licenseId], data.orderId, 'REACTIVATION_ERROR');
  });

  it('fails an immediate reinstatement that hits an error of its own to a refund (REACTIVATION_ERROR), never a dead letter', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    await refuseUpdatesOf(licenseId);
    const data = verified(accountId, [licenseId], [`h-${accountId}`]);
    await publisher.event(EligibilityVerified, data);

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(failed.data).toMatchObject({
      reasons: ['REACTIVATION_ERROR'],
      resuspendedLicenseIds: [],
    });
    const state = await service.http<{ note: string }>('GET', `/reactivations/${data.orderId}`);
    expect(state.body.note).toMatch(/refused by a test trigger/);
    await expectNothingWritten(accountId, [licenseId], data.orderId, 'REACTIVATION_ERROR');
  });

  it('fails a reinstatement whose hold is not cleared as planned to a refund, nothing written', async () => {
    const { accountId, licenseId } = await importSuspendedAccount();
    // The hold's update is dropped without an error (a rule or trigger nobody expected): the
    // account would stay SUSPENDED behind licenses switched on.
    await queryDatabase(
      databaseUrl,
      `CREATE OR REPLACE FUNCTION skip_hold_update() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RETURN NULL; END $$`,
    );
    await queryDatabase(
      databaseUrl,
      `CREATE TRIGGER "skip_h-${accountId}" BEFORE UPDATE ON holds FOR EACH ROW
       WHEN (NEW.id = 'h-${accountId}') EXECUTE FUNCTION skip_hold_update()`,
    );
    const data = verified(accountId, [licenseId], [`h-${accountId}`]);
    await publisher.event(EligibilityVerified, data);

    const failed = await recorder.waitForEvent<ReactivationFailed>(
      ReactivationFailed.type,
      (d) => d.orderId === data.orderId,
    );
    expect(failed.data.reasons).toEqual(['REACTIVATION_ERROR']);
    const state = await service.http<{ note: string }>('GET', `/reactivations/${data.orderId}`);
    expect(state.body.note).toMatch(/active holds not cleared: h-acc-/);
    await expectNothingWritten(accountId, [licenseId], data.orderId, 'REACTIVATION_ERROR');
  });

  /** A new account as `accountBody` makes it, with one suspended license (`<account>-l1`). */
  async function importSuspendedAccount(): Promise<{ accountId: string; licenseId: string }> {
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const licenseId = `${accountId}-l1`;
    await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId, status: 'SUSPENDED' }], accountId),
    );
    return { accountId, licenseId };
  }

  /** A permanent database error on switching this license on (a constraint nobody expected). */
  async function refuseUpdatesOf(licenseId: string): Promise<void> {
    await queryDatabase(
      databaseUrl,
      `CREATE OR REPLACE FUNCTION refuse_license_update() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'license % refused by a test trigger', NEW.id; END $$`,
    );
    await queryDatabase(
      databaseUrl,
      `CREATE TRIGGER "refuse_${licenseId}" BEFORE UPDATE ON licenses FOR EACH ROW
       WHEN (NEW.id = '${licenseId}') EXECUTE FUNCTION refuse_license_update()`,
    );
  }

  function fraudHold(accountId: string): HoldBody {
    return {
      holdId: `f-${accountId}`,
      category: 'FRAUD',
      reason: 'chargeback ring',
      state: 'ACTIVE',
    };
  }

  /**
   * A failed case wrote nothing to the registry: licenses as they were, holds active, no
   * entitlement, no LicenseReactivated / LicenseResuspended / EntitlementsRestored, no dead letter,
   * and the case FAILED with the reason.
   */
  async function expectNothingWritten(
    accountId: string,
    licenseIds: string[],
    orderId: string,
    reason: string,
    statuses = licenseIds.map(() => 'SUSPENDED'),
  ): Promise<void> {
    const state = await service.http<{ state: string; reasons: string[] }>(
      'GET',
      `/reactivations/${orderId}`,
    );
    expect(state.body).toMatchObject({ state: 'FAILED', reasons: [reason] });
    expect((await licenseRows(licenseIds)).map((row) => row.status)).toEqual(statuses);
    const holds = await queryDatabase<{ state: string }>(
      databaseUrl,
      'SELECT DISTINCT state FROM holds WHERE account_id = $1',
      [accountId],
    );
    expect(holds).toEqual([{ state: 'ACTIVE' }]);
    const entitlements = await queryDatabase(
      databaseUrl,
      'SELECT * FROM license_entitlements WHERE license_id = ANY($1)',
      [licenseIds],
    );
    expect(entitlements).toEqual([]);

    // Barrier: a sentinel on each topic, same key (same partition), produced after the case's
    // ReactivationFailed was seen, so after everything its transaction published.
    const sentinel = `sentinel-${randomUUID()}`;
    for (const topic of [Topics.LicensingActivations, Topics.ReactivationLicensing]) {
      await publisher.raw(topic, accountId, sentinel);
      await recorder.waitFor(
        (r) => r.topic === topic && r.value?.toString() === sentinel,
        30_000,
        `the sentinel on ${topic}`,
      );
    }
    const ofOrder = recorder.records.filter(
      (r) =>
        r.key === accountId &&
        r.event?.type !== ActivationScheduled.type &&
        (r.event?.data as { orderId?: string } | undefined)?.orderId === orderId,
    );
    expect(ofOrder.map((r) => r.event?.type)).toEqual([ReactivationFailed.type]);
    expect(
      recorder.records.filter(
        (r) => r.topic === deadLetterTopicOf(ConsumerGroups.Licensing) && r.key === accountId,
      ),
    ).toEqual([]);
    const account = await service.http<{ status: string; version: number }>(
      'GET',
      `/accounts/${accountId}`,
    );
    expect(account.body.status).toBe('SUSPENDED');
  }
});
