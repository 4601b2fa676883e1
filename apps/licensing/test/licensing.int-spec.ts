import {
  AccountSnapshot,
  ActivationScheduled,
  ConsumerGroups,
  deadLetterTopicOf,
  EligibilityVerified,
  EntitlementsRestored,
  LicenseReactivated,
  LicenseResuspended,
  ReactivationFailed,
  Topics,
} from '@app/contracts';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  queryDatabase,
  ServiceProcess,
  startService,
  TEST_SUPPORT_TOKEN,
  TestPublisher,
  TopicRecorder,
} from '@app/testing';
import { randomUUID } from 'node:crypto';

const FUTURE = '2028-12-31T00:00:00.000Z';

/** An account as ops import it: suspended, a billing hold, one contract, licenses as given. */
function accountBody(
  licenses: { licenseId: string; status: string; expiresAt?: string }[],
  suffix: string,
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
    ],
    contracts: [
      {
        contractId: `c-${suffix}`,
        startsAt: '2026-01-01T00:00:00.000Z',
        endsAt: FUTURE,
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
      expiresAt: l.expiresAt ?? '2027-06-30T00:00:00.000Z',
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
        expiresAt: '2027-06-30T00:00:00.000Z',
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
    await recorder.settle(2000);
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

  it('schedules a change window ahead and activates at its start, across a restart', async () => {
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const licenseId = `${accountId}-l1`;
    await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId, status: 'SUSPENDED' }], accountId),
    );
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
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const licenseId = `${accountId}-l1`;
    await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId, status: 'SUSPENDED' }], accountId),
    );
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

  it('never reinstates on contract terms that drifted from their fingerprint: the event is dead-lettered', async () => {
    const accountId = `acc-${randomUUID().slice(0, 8)}`;
    const licenseId = `${accountId}-l1`;
    await service.http(
      'PUT',
      `/accounts/${accountId}`,
      accountBody([{ licenseId, status: 'SUSPENDED' }], accountId),
    );
    // Someone edits the contract behind the registry's back.
    await queryDatabase(
      databaseUrl,
      `UPDATE contracts SET renewal_terms = 'NO_RENEWAL' WHERE account_id = $1`,
      [accountId],
    );
    const data = verified(accountId, [licenseId], [`h-${accountId}`]);
    await publisher.event(EligibilityVerified, data);

    const dead = await recorder.waitFor(
      (r) => r.topic === deadLetterTopicOf(ConsumerGroups.Licensing) && r.key === accountId,
      30_000,
      'the dead-lettered EligibilityVerified',
    );
    expect(dead.headers['dlq-error-code']).toBe('CONTRACT_TERMS_ALTERED');
    expect((await licenseRows([licenseId]))[0].status).toBe('SUSPENDED');
    expect(
      recorder
        .events<EntitlementsRestored>(EntitlementsRestored.type)
        .filter((e) => e.data.orderId === data.orderId),
    ).toHaveLength(0);
    expect((await service.http('GET', `/reactivations/${data.orderId}`)).status).toBe(404);
  });

  it('fails a case with a revoked license: re-suspends what it switched on, clears no hold, restores nothing', async () => {
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
    expect(failed.data).toMatchObject({
      reasons: ['LICENSE_REVOKED'],
      resuspendedLicenseIds: [ids[0], ids[1]],
    });
    const resuspended = await eventually(async () => {
      const events = recorder
        .events<LicenseResuspended>(LicenseResuspended.type)
        .filter((e) => e.data.orderId === data.orderId);
      if (events.length < 2) throw new Error(`${events.length} LicenseResuspended so far`);
      return events;
    });
    expect(resuspended.map((e) => [e.data.licenseId, e.data.reason]).sort()).toEqual([
      [ids[0], 'LICENSE_REVOKED'],
      [ids[1], 'LICENSE_REVOKED'],
    ]);

    await recorder.settle(1000);
    expect(
      recorder
        .events<EntitlementsRestored>(EntitlementsRestored.type)
        .filter((e) => e.data.orderId === data.orderId),
    ).toHaveLength(0);
    expect((await licenseRows(ids)).map((row) => row.status)).toEqual([
      'SUSPENDED',
      'SUSPENDED',
      'REVOKED',
    ]);
    const holds = await queryDatabase<{ state: string }>(
      databaseUrl,
      'SELECT state FROM holds WHERE account_id = $1',
      [accountId],
    );
    expect(holds).toEqual([{ state: 'ACTIVE' }]);
    const entitlements = await queryDatabase(
      databaseUrl,
      'SELECT * FROM license_entitlements WHERE license_id = ANY($1)',
      [ids],
    );
    expect(entitlements).toEqual([]);
    const account = await service.http<{ status: string; version: number }>(
      'GET',
      `/accounts/${accountId}`,
    );
    expect(account.body).toMatchObject({ status: 'SUSPENDED', version: 2 });
    expect(
      recorder.records.filter(
        (r) => r.topic === deadLetterTopicOf(ConsumerGroups.Licensing) && r.key === accountId,
      ),
    ).toEqual([]);
  });
});
