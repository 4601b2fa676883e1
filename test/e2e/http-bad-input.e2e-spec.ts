/**
 * The HTTP half of the bad-input suite: what an attacker or a broken client sends to every HTTP
 * endpoint of the four services. Each row is a request and the answer it must get: a 4xx with
 * the one error body `{statusCode, code, message}`. Afterwards nothing has changed in any
 * service's database, nothing was published, and every service is still ready.
 *
 * The tables below are the security specification of the HTTP edge; keep them readable.
 */
import { ServiceName, SERVICES, TEST_OPS_TOKEN, TEST_SUPPORT_TOKEN } from '@app/testing';
import { eventually } from '@app/testing';
import { createHmac } from 'node:crypto';
import { licenseIdsOf, newAccountId, suspendedAccount } from './support/accounts';
import { newCustomer, Order } from './support/saga-driver';
import { snapshotState } from './support/state-snapshot';
import { SystemHarness } from './support/system-harness';

const CUSTOMER_TOKEN = 'test-customer-token-bad-input';
const METRICS_TOKEN = 'test-metrics-token';
const STATUS_PAGE_SECRET = 'bad-input-status-page-secret';
const OWN_ACCOUNT = newAccountId('own');
const OTHER_ACCOUNT = newAccountId('other');
const REVIEW_ACCOUNT = newAccountId('late-review');
const DOCUMENTS = ['passport'];

const API_TOKENS = [
  `${TEST_OPS_TOKEN}:ops`,
  `${TEST_SUPPORT_TOKEN}:support`,
  `${METRICS_TOKEN}:metrics`,
  `${CUSTOMER_TOKEN}:customer:${OWN_ACCOUNT}`,
].join(',');

type Caller = 'none' | 'wrong' | 'customer' | 'support' | 'metrics' | 'ops';
const BEARER: Record<Caller, string | undefined> = {
  none: undefined,
  wrong: 'Bearer not-a-token-anyone-was-given',
  customer: `Bearer ${CUSTOMER_TOKEN}`,
  support: `Bearer ${TEST_SUPPORT_TOKEN}`,
  metrics: `Bearer ${METRICS_TOKEN}`,
  ops: `Bearer ${TEST_OPS_TOKEN}`,
};

/** Ids and links the rows refer to, made in beforeAll. */
interface Fixtures {
  ownOrder: Order;
  otherOrder: Order;
  /** A quote of the customer's account that includes SCHEDULED_ACTIVATION (for window rows). */
  windowQuoteId: string;
  /** A review whose deadline has passed while its sweep has not run; its documents are verified. */
  lateReviewId: string;
}

interface Row {
  /** What the attacker or broken client does. */
  attack: string;
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT';
  path: (f: Fixtures) => string;
  as: Caller;
  /** JSON body, or a raw string sent as it is (malformed or oversized). */
  body?: (f: Fixtures) => unknown;
  raw?: string;
  status: number;
  code: string;
}

// --- 1. Credentials: every protected endpoint, every caller that may not call it ------------------

/** Every protected endpoint, with the roles that may call it (ops may always). */
const ENDPOINTS: {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT';
  path: (f: Fixtures) => string;
  allowed: Caller[];
}[] = [
  { service: 'billing', method: 'POST', path: () => '/quotes', allowed: ['customer', 'support'] },
  { service: 'billing', method: 'POST', path: () => '/orders', allowed: ['customer', 'support'] },
  {
    service: 'billing',
    method: 'GET',
    path: (f) => `/orders/${f.ownOrder.id}`,
    allowed: ['customer', 'support'],
  },
  {
    service: 'eligibility',
    method: 'GET',
    path: (f) => `/cases/${f.ownOrder.id}`,
    allowed: ['support'],
  },
  { service: 'eligibility', method: 'GET', path: () => '/reviews', allowed: ['support'] },
  {
    service: 'eligibility',
    method: 'GET',
    path: (f) => `/reviews/${f.lateReviewId}`,
    allowed: ['support'],
  },
  {
    service: 'eligibility',
    method: 'POST',
    path: (f) => `/reviews/${f.lateReviewId}/documents/passport`,
    allowed: [],
  },
  {
    service: 'eligibility',
    method: 'POST',
    path: (f) => `/reviews/${f.lateReviewId}/decision`,
    allowed: [],
  },
  {
    service: 'eligibility',
    method: 'GET',
    path: () => `/accounts/${OWN_ACCOUNT}`,
    allowed: ['support'],
  },
  { service: 'licensing', method: 'PUT', path: () => `/accounts/${OWN_ACCOUNT}`, allowed: [] },
  {
    service: 'licensing',
    method: 'GET',
    path: () => `/accounts/${OWN_ACCOUNT}`,
    allowed: ['support'],
  },
  {
    service: 'licensing',
    method: 'GET',
    path: (f) => `/reactivations/${f.ownOrder.id}`,
    allowed: ['support'],
  },
  {
    service: 'notifications',
    method: 'GET',
    path: (f) => `/reactivations/${f.ownOrder.id}`,
    allowed: ['customer', 'support'],
  },
  {
    service: 'notifications',
    method: 'POST',
    path: (f) => `/reactivations/${f.ownOrder.id}/status-page/revocation`,
    allowed: ['support'],
  },
  { service: 'notifications', method: 'GET', path: () => '/roster', allowed: ['support'] },
  { service: 'notifications', method: 'GET', path: () => '/sagas', allowed: ['support'] },
  // The outbox's state (`ops outbox`): ops only.
  ...SERVICES.map((service) => ({
    service,
    method: 'GET' as const,
    path: () => '/ops/outbox',
    allowed: [] as Caller[],
  })),
  // Who a token is (the console's sign-in): any valid token may ask.
  ...SERVICES.map((service) => ({
    service,
    method: 'GET' as const,
    path: () => '/auth/me',
    allowed: ['customer', 'support', 'metrics'] as Caller[],
  })),
  ...SERVICES.map((service) => ({
    service,
    method: 'GET' as const,
    path: () => '/metrics',
    allowed: ['metrics'] as Caller[],
  })),
];

const CREDENTIAL_ROWS: Row[] = ENDPOINTS.flatMap((endpoint) => {
  const refused = (['none', 'wrong', 'customer', 'support', 'metrics'] as Caller[]).filter(
    (caller) => !endpoint.allowed.includes(caller),
  );
  return refused.map((caller): Row => ({
    attack: `${caller === 'none' ? 'no' : caller} credentials`,
    service: endpoint.service,
    method: endpoint.method,
    path: endpoint.path,
    as: caller,
    body: () => ({}),
    status: caller === 'none' || caller === 'wrong' ? 401 : 403,
    code: caller === 'none' || caller === 'wrong' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
  }));
});

// --- 2. Everything else: ids, links, bodies, types, ranges, rules -------------------------------

const SQL = "x' OR '1'='1";
const TRAVERSAL = '../../etc/passwd';
const UNICODE = 'ℌ𝔢𝔩𝔩𝔬-Ünïcødé';
const OVERSIZED_ID = 'a'.repeat(5000);
const OVERSIZED_BODY = JSON.stringify({ accountId: OWN_ACCOUNT, filler: 'x'.repeat(200_000) });
const id = (raw: string) => encodeURIComponent(raw);
const quoteBody = (extra: Record<string, unknown> = {}) => ({
  accountId: OWN_ACCOUNT,
  region: 'EU',
  licenseIds: [`${OWN_ACCOUNT}-l1`],
  ...extra,
});
const orderBody = (f: Fixtures, extra: Record<string, unknown> = {}) => ({
  quoteId: f.windowQuoteId,
  customer: { name: 'Eve', email: 'eve@example.com' },
  ...extra,
});
const inDays = (days: number, hours = 0) =>
  new Date(Date.now() + days * 86_400_000 + hours * 3_600_000).toISOString();
const accountBody = (extra: Record<string, unknown> = {}) => ({
  ...suspendedAccount(OWN_ACCOUNT),
  ...extra,
});
/**
 * A genuinely signed status page link (notifications' format: issued and expiry times in base 36,
 * then the HMAC of both with the order id), issued and expiring when a row needs it.
 */
function statusPageToken(
  orderId: string,
  secret: string,
  link: { issuedAt: Date; expiresAt: Date },
): string {
  const issued = link.issuedAt.getTime().toString(36);
  const expires = link.expiresAt.getTime().toString(36);
  const mac = createHmac('sha256', secret)
    .update(`status-page:v2:${orderId}:${issued}:${expires}`)
    .digest('base64url');
  return `${issued}.${expires}.${mac}`;
}

const statusLink = (orderId: string, issuedDaysAgo: number, validDays: number) => {
  const issuedAt = new Date(Date.now() - issuedDaysAgo * 86_400_000);
  const expiresAt = new Date(issuedAt.getTime() + validDays * 86_400_000);
  return `/reactivations/${orderId}/status.html?t=${statusPageToken(orderId, STATUS_PAGE_SECRET, { issuedAt, expiresAt })}`;
};

// prettier-ignore
const INPUT_ROWS: Row[] = [
  // Another customer's ids: the same answer as for ids that do not exist.
  { attack: "another account's order", service: 'billing', method: 'GET', path: (f) => `/orders/${f.otherOrder.id}`, as: 'customer', status: 404, code: 'ORDER_NOT_FOUND' },
  { attack: 'an order that does not exist', service: 'billing', method: 'GET', path: () => '/orders/no-such-order', as: 'customer', status: 404, code: 'ORDER_NOT_FOUND' },
  { attack: "another account's timeline", service: 'notifications', method: 'GET', path: (f) => `/reactivations/${f.otherOrder.id}`, as: 'customer', status: 404, code: 'REACTIVATION_NOT_FOUND' },
  { attack: "a quote for another account", service: 'billing', method: 'POST', path: () => '/quotes', as: 'customer', body: () => quoteBody({ accountId: OTHER_ACCOUNT }), status: 403, code: 'FORBIDDEN' },

  // Status page links: forged, for another order, expired.
  { attack: 'status page without its link token', service: 'notifications', method: 'GET', path: (f) => `/reactivations/${f.ownOrder.id}/status.html`, as: 'none', status: 404, code: 'REACTIVATION_NOT_FOUND' },
  { attack: 'status page with a forged token', service: 'notifications', method: 'GET', path: (f) => `/reactivations/${f.ownOrder.id}/status.html?t=0.0.forged`, as: 'none', status: 404, code: 'REACTIVATION_NOT_FOUND' },
  { attack: "status page with another order's token", service: 'notifications', method: 'GET', path: (f) => `/reactivations/${f.ownOrder.id}/status.html?t=${statusLink(f.otherOrder.id, 0, 30).split('?t=')[1]}`, as: 'none', status: 404, code: 'REACTIVATION_NOT_FOUND' },
  { attack: 'status page with an expired link', service: 'notifications', method: 'GET', path: (f) => statusLink(f.ownOrder.id, 40, 30), as: 'none', status: 404, code: 'REACTIVATION_NOT_FOUND' },

  // Hostile ids in paths: refused before anything reads them.
  { attack: 'SQL in an order id', service: 'billing', method: 'GET', path: () => `/orders/${id(SQL)}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'path traversal in an order id', service: 'billing', method: 'GET', path: () => `/orders/${id(TRAVERSAL)}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'unicode in an order id', service: 'notifications', method: 'GET', path: () => `/reactivations/${id(UNICODE)}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'an oversized order id', service: 'notifications', method: 'GET', path: () => `/reactivations/${OVERSIZED_ID}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'SQL in a case id', service: 'eligibility', method: 'GET', path: () => `/cases/${id(SQL)}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'path traversal in a review id', service: 'eligibility', method: 'GET', path: () => `/reviews/${id(TRAVERSAL)}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'SQL in a document id', service: 'eligibility', method: 'POST', path: (f) => `/reviews/${f.lateReviewId}/documents/${id(SQL)}`, as: 'ops', body: () => ({ status: 'VERIFIED' }), status: 400, code: 'INVALID_ID' },
  { attack: 'unicode in an account id', service: 'eligibility', method: 'GET', path: () => `/accounts/${id(UNICODE)}`, as: 'support', status: 400, code: 'INVALID_ID' },
  { attack: 'SQL in an account id (import)', service: 'licensing', method: 'PUT', path: () => `/accounts/${id(SQL)}`, as: 'ops', body: () => accountBody(), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'an oversized account id', service: 'licensing', method: 'GET', path: () => `/accounts/${OVERSIZED_ID}`, as: 'support', status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'path traversal in a licensing order id', service: 'licensing', method: 'GET', path: () => `/reactivations/${id(TRAVERSAL)}`, as: 'support', status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'SQL in an id inside a body', service: 'billing', method: 'POST', path: () => '/quotes', as: 'support', body: () => quoteBody({ licenseIds: [SQL] }), status: 400, code: 'VALIDATION_FAILED' },

  // Bodies: oversized, not JSON.
  { attack: 'an oversized body (200 kB)', service: 'billing', method: 'POST', path: () => '/quotes', as: 'support', raw: OVERSIZED_BODY, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { attack: 'an oversized account import (200 kB)', service: 'licensing', method: 'PUT', path: () => `/accounts/${OWN_ACCOUNT}`, as: 'ops', raw: OVERSIZED_BODY, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { attack: 'a body that is not JSON', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', raw: '{"quoteId": ', status: 400, code: 'BAD_REQUEST' },

  // Unknown fields: refused, not ignored.
  { attack: 'an unknown field in a quote', service: 'billing', method: 'POST', path: () => '/quotes', as: 'customer', body: () => quoteBody({ isAdmin: true }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a price in an order', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', body: (f) => orderBody(f, { amount: { amountMinor: 1, currency: 'EUR' } }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'an unknown field in a decision', service: 'eligibility', method: 'POST', path: (f) => `/reviews/${f.lateReviewId}/decision`, as: 'ops', body: () => ({ decision: 'approve', force: true }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'an unknown field in an account import', service: 'licensing', method: 'PUT', path: () => `/accounts/${OWN_ACCOUNT}`, as: 'ops', body: () => accountBody({ tenant: 'other' }), status: 400, code: 'VALIDATION_FAILED' },

  // Wrong types.
  { attack: 'licenseIds as a string', service: 'billing', method: 'POST', path: () => '/quotes', as: 'customer', body: () => quoteBody({ licenseIds: `${OWN_ACCOUNT}-l1` }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'the customer as a string', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', body: (f) => orderBody(f, { customer: 'Eve' }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'an email that is not one', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', body: (f) => orderBody(f, { customer: { name: 'Eve', email: 'eve' } }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a document status as a number', service: 'eligibility', method: 'POST', path: (f) => `/reviews/${f.lateReviewId}/documents/passport`, as: 'ops', body: () => ({ status: 42 }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a decision as a boolean', service: 'eligibility', method: 'POST', path: (f) => `/reviews/${f.lateReviewId}/decision`, as: 'ops', body: () => ({ decision: true }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a saga list that is not one', service: 'notifications', method: 'GET', path: () => '/sagas?view=%27%3B%20DROP%20TABLE%20reactivations', as: 'support', status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a saga filter that is not an id', service: 'notifications', method: 'GET', path: () => '/sagas?accountId=..%2F..%2Fetc', as: 'support', status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a review state filter that is not one', service: 'eligibility', method: 'GET', path: () => '/reviews?state=%27%3B%20DROP%20TABLE%20reviews', as: 'support', status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'holds as a string', service: 'licensing', method: 'PUT', path: () => `/accounts/${OWN_ACCOUNT}`, as: 'ops', body: () => accountBody({ holds: 'none' }), status: 400, code: 'VALIDATION_FAILED' },

  // Numbers and dates out of range.
  { attack: 'a negative outstanding balance', service: 'licensing', method: 'PUT', path: () => `/accounts/${OWN_ACCOUNT}`, as: 'ops', body: () => accountBody({ outstandingBalance: { amountMinor: -1, currency: 'EUR' } }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a balance beyond any bigint (1e20)', service: 'licensing', method: 'PUT', path: () => `/accounts/${OWN_ACCOUNT}`, as: 'ops', body: () => accountBody({ outstandingBalance: { amountMinor: 1e20, currency: 'EUR' } }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: '101 licenses in a quote', service: 'billing', method: 'POST', path: () => '/quotes', as: 'customer', body: () => quoteBody({ licenseIds: Array.from({ length: 101 }, (_, i) => `l${i}`) }), status: 400, code: 'VALIDATION_FAILED' },
  { attack: 'a change window in 2099', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', body: (f) => orderBody(f, { changeWindow: { startsAt: '2099-01-01T00:00:00Z', endsAt: '2099-01-01T04:00:00Z' } }), status: 400, code: 'CHANGE_WINDOW_INVALID' },
  { attack: 'a change window ending 91 days ahead', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', body: (f) => orderBody(f, { changeWindow: { startsAt: inDays(90, 20), endsAt: inDays(91) } }), status: 400, code: 'CHANGE_WINDOW_INVALID' },
  { attack: 'a change window without a time zone', service: 'billing', method: 'POST', path: () => '/orders', as: 'customer', body: (f) => orderBody(f, { changeWindow: { startsAt: '2026-12-24T22:00:00', endsAt: '2026-12-25T02:00:00' } }), status: 400, code: 'VALIDATION_FAILED' },

  // Rules the edge cannot see: the use case refuses, and nothing changes.
  { attack: 'approving a review after its deadline (sweep not yet run)', service: 'eligibility', method: 'POST', path: (f) => `/reviews/${f.lateReviewId}/decision`, as: 'ops', body: () => ({ decision: 'approve' }), status: 409, code: 'REVIEW_DEADLINE_PASSED' },
];

describe('HTTP bad input: a clear 4xx in one shape, nothing changes, the services stay ready', () => {
  let harness: SystemHarness;
  let fixtures: Fixtures;

  beforeAll(async () => {
    const everyService = { API_TOKENS };
    harness = await SystemHarness.start({
      billing: everyService,
      // The review sweep never runs during the suite: a late approval meets only the rule.
      eligibility: { ...everyService, REVIEW_DEADLINE_SECONDS: '2', REVIEW_SWEEP_MS: '3600000' },
      licensing: everyService,
      notifications: { ...everyService, STATUS_PAGE_SECRET },
    });
    const { driver } = harness;

    const own = suspendedAccount(OWN_ACCOUNT);
    const other = suspendedAccount(OTHER_ACCOUNT);
    const reviewed = suspendedAccount(REVIEW_ACCOUNT);
    reviewed.holds.push({
      holdId: `${REVIEW_ACCOUNT}-kyc`,
      category: 'COMPLIANCE_HOLD',
      reason: 'identity to be verified',
      state: 'ACTIVE',
      requiredDocuments: DOCUMENTS,
    });
    for (const [accountId, account] of [
      [OWN_ACCOUNT, own],
      [OTHER_ACCOUNT, other],
      [REVIEW_ACCOUNT, reviewed],
    ] as const)
      await driver.importAccount(accountId, account);

    const ownOrder = await driver.placeOrder(
      OWN_ACCOUNT,
      'EU',
      licenseIdsOf(own),
      newCustomer('own'),
    );
    const otherOrder = await driver.placeOrder(
      OTHER_ACCOUNT,
      'EU',
      licenseIdsOf(other),
      newCustomer('other'),
    );
    const reviewOrder = await driver.placeOrder(
      REVIEW_ACCOUNT,
      'EU',
      licenseIdsOf(reviewed),
      newCustomer('review'),
    );
    const windowQuote = await driver.quote(OWN_ACCOUNT, 'EU', licenseIdsOf(own), [
      'SCHEDULED_ACTIVATION',
    ]);
    for (const order of [ownOrder, otherOrder, reviewOrder]) await driver.pay(order);
    await driver.finalEvent(ownOrder.id);
    await driver.finalEvent(otherOrder.id);
    const required = await driver.waitForEvent<{ reviewId: string; deadline: string }>(
      'EligibilityReviewRequired',
      reviewOrder.id,
    );
    const lateReviewId = required.data.reviewId;
    // Documents verified in time; the approval comes after the deadline (the row that says so).
    for (const document of DOCUMENTS) {
      const checked = await harness.sys.eligibility.http(
        'POST',
        `/reviews/${lateReviewId}/documents/${document}`,
        { status: 'VERIFIED' },
      );
      expect(checked.status).toBe(200);
    }
    // Quiet before the snapshot: each saga's emails are sent, the review's deadline has passed.
    await eventually(async () => {
      for (const order of [ownOrder, otherOrder, reviewOrder]) {
        const timeline = await harness.sys.notifications.http<{ emails: { status: string }[] }>(
          'GET',
          `/reactivations/${order.id}`,
        );
        expect(timeline.status).toBe(200);
        expect(timeline.body.emails.length).toBeGreaterThan(0);
        expect(timeline.body.emails.every((e) => e.status === 'SENT')).toBe(true);
      }
      // Eligibility closed the finished sagas' cases (OrderFulfilled reaches it after billing).
      for (const order of [ownOrder, otherOrder]) {
        const kase = await harness.sys.eligibility.http<{ open: boolean }>(
          'GET',
          `/cases/${order.id}`,
        );
        expect(kase.body.open).toBe(false);
      }
      expect(Date.now()).toBeGreaterThan(Date.parse(required.data.deadline));
    }, 45_000);
    fixtures = { ownOrder, otherOrder, windowQuoteId: windowQuote.id, lateReviewId };
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function send(row: Row): Promise<{ status: number; body: unknown }> {
    const url = harness.sys.services[row.service].url + row.path(fixtures);
    const bearer = BEARER[row.as];
    const payload =
      row.raw ??
      (row.body && row.method !== 'GET' ? JSON.stringify(row.body(fixtures)) : undefined);
    const response = await fetch(url, {
      method: row.method,
      headers: {
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(bearer ? { authorization: bearer } : {}),
      },
      body: payload,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // an HTML page or nothing: the expectation below shows it
    }
    return { status: response.status, body };
  }

  it('answers each row with its 4xx and code, and changes nothing anywhere', async () => {
    const before = await snapshotState(harness.sys);
    const recordedBefore = harness.recorder.records.length;

    const failures: string[] = [];
    for (const row of [...CREDENTIAL_ROWS, ...INPUT_ROWS]) {
      const answer = await send(row);
      const expected = { status: row.status, body: { statusCode: row.status, code: row.code } };
      const body = answer.body as Record<string, unknown>;
      const shaped =
        typeof body === 'object' &&
        body !== null &&
        typeof body.message === 'string' &&
        Object.keys(body).every((k) => ['statusCode', 'code', 'message', 'details'].includes(k));
      if (
        answer.status !== expected.status ||
        !shaped ||
        body.statusCode !== row.status ||
        body.code !== row.code
      ) {
        const text = JSON.stringify(answer.body).slice(0, 200);
        failures.push(
          `${row.service} ${row.method} ${row.path(fixtures).slice(0, 80)} as ${row.as} (${row.attack}): ` +
            `want ${row.status} ${row.code}, got ${answer.status} ${text}`,
        );
      }
    }
    expect(failures).toEqual([]);

    // The sentinel: a genuine request behind the bad ones, whose effect shows the services handled
    // everything sent before it; only then is "nothing else changed" meaningful.
    const sentinel = await send({
      attack: 'none (sentinel)',
      service: 'eligibility',
      method: 'GET',
      path: () => `/reviews/${fixtures.lateReviewId}`,
      as: 'support',
      status: 200,
      code: '',
    });
    expect(sentinel).toMatchObject({ status: 200, body: { state: 'OPEN' } });
    expect(await snapshotState(harness.sys)).toEqual(before);
    expect(harness.recorder.records.slice(recordedBefore).map((r) => r.topic)).toEqual([]);
    for (const service of SERVICES)
      expect((await harness.sys.services[service].http('GET', '/health/ready')).status).toBe(200);
  });

  it('lets the right callers in (the rows above fail for the reason they name)', async () => {
    const allowed = await Promise.all([
      send({
        attack: '',
        service: 'billing',
        method: 'GET',
        path: (f) => `/orders/${f.ownOrder.id}`,
        as: 'customer',
        status: 200,
        code: '',
      }),
      send({
        attack: '',
        service: 'notifications',
        method: 'GET',
        path: (f) => `/reactivations/${f.ownOrder.id}`,
        as: 'customer',
        status: 200,
        code: '',
      }),
      send({
        attack: '',
        service: 'notifications',
        method: 'GET',
        path: (f) => statusLink(f.ownOrder.id, 1, 30),
        as: 'none',
        status: 200,
        code: '',
      }),
      ...SERVICES.map((service) =>
        send({
          attack: '',
          service,
          method: 'GET',
          path: () => '/metrics',
          as: 'metrics',
          status: 200,
          code: '',
        }),
      ),
    ]);
    expect(allowed.map((a) => a.status)).toEqual(allowed.map(() => 200));
  });
});
