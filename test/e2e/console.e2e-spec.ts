/**
 * The support and ops console in a real browser (Debian's chromium driven by playwright-core)
 * against the four services on the real broker and PostgreSQL: a customer token is refused; ops
 * find a stalled saga and see where it is stuck, redrive its dead letter and see it handled once;
 * ops check a review's documents, approve it and watch the saga complete. Screenshots of each page
 * go to .cache/screenshots.
 */
import { ConsumerGroups, EligibilityReviewRequired } from '@app/contracts';
import {
  eventually,
  launchBrowser,
  queryDatabase,
  saveScreenshot,
  TEST_OPS_TOKEN,
  TEST_SUPPORT_TOKEN,
} from '@app/testing';
import { Browser, Locator, Page } from 'playwright-core';
import { licenseIdsOf, newAccountId, suspendedAccount } from './support/accounts';
import { ConsoleProcess } from './support/ops-cli';
import { newCustomer, SagaDriver } from './support/saga-driver';
import { SystemHarness } from './support/system-harness';

const CUSTOMER_ACCOUNT = 'console-customer';
const CUSTOMER_TOKEN = 'test-customer-token-console';
const DOCUMENTS = ['passport', 'proof-of-address'];
/** The EU support contacts of the seeded roster, each with a token of their own. */
const EU_CONTACTS = ['eu-amelie-laurent', 'eu-jonas-becker', 'eu-sofia-rossi'];
const contactToken = (contactId: string) => `test-support-token-${contactId}`;

describe('the support and ops console in a browser', () => {
  let harness: SystemHarness;
  let driver: SagaDriver;
  let consoleProcess: ConsoleProcess;
  let consoleUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    const apiTokens = [
      `${TEST_OPS_TOKEN}:ops`,
      `${TEST_SUPPORT_TOKEN}:support`,
      `${CUSTOMER_TOKEN}:customer:${CUSTOMER_ACCOUNT}`,
      ...EU_CONTACTS.map((id) => `${contactToken(id)}:support:${id}`),
    ].join(',');
    harness = await SystemHarness.start({
      billing: { API_TOKENS: apiTokens },
      eligibility: { API_TOKENS: apiTokens },
      licensing: { API_TOKENS: apiTokens },
      // A saga waiting 2 s after its payment counts as stalled, looked for every 200 ms.
      notifications: { API_TOKENS: apiTokens, STALL_AFTER_PAID: '2', STALL_SWEEP_MS: '200' },
    });
    driver = harness.driver;
    const { sys } = harness;
    consoleProcess = await ConsoleProcess.start(sys.prefix, {
      billing: sys.billing.url,
      eligibility: sys.eligibility.url,
      licensing: sys.licensing.url,
      notifications: sys.notifications.url,
    });
    consoleUrl = consoleProcess.url;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await consoleProcess?.stop();
    await harness?.stop();
  });

  /** What a person reads in an element: its text with the markup's line breaks folded. */
  async function text(locator: Locator): Promise<string> {
    return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');
  }

  async function signedIn(token: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${consoleUrl}/sign-in`);
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    return page;
  }

  async function findStalledAndRedrive(page: Page, orderId: string): Promise<void> {
    await eventually(
      async () => {
        await page.goto(`${consoleUrl}/sagas?view=stalled`);
        await page.locator(`a[href="/sagas/${orderId}"]`).waitFor({ timeout: 500 });
      },
      30_000,
      500,
    );
    await saveScreenshot(page, 'console-sagas-stalled');
    await page.click(`a[href="/sagas/${orderId}"]`);
    const verdict = page.locator('.verdict');
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('STUCK');
    await expect(text(verdict)).resolves.toMatch(
      new RegExp(
        `STUCK at OrderPaid .*dead-lettered by ${ConsumerGroups.Eligibility}.*locked for maintenance`,
      ),
    );
    await expect(text(page.locator('main'))).resolves.toContain('Next to act: eligibility');
    await saveScreenshot(page, 'console-saga-stuck');

    await queryDatabase(
      harness.sys.databases.eligibility,
      'DROP TRIGGER maintenance_lock ON eligibility_cases',
    );
    await page.click('text=see and redrive');
    const row = page.locator('tr', { hasText: orderId });
    await saveScreenshot(page, 'console-dead-letters');
    await row.locator('button', { hasText: 'Redrive…' }).click();
    // A dry run first: nothing sent, a confirmation asked.
    await expect(page.locator('td[data-action]').allTextContents()).resolves.toEqual([
      'WOULD_REDRIVE',
    ]);
    await saveScreenshot(page, 'console-redrive-dry-run');
    await page.click('button:has-text("Confirm: redrive 1")');
    // The redrive runs on its own page, which shows its progress until it ends.
    expect(new URL(page.url()).pathname).toMatch(/^\/dead-letters\/redrives\/[0-9a-f-]{36}$/);
    await page.locator('td[data-action]').waitFor({ timeout: 30_000 });
    await expect(page.locator('td[data-action]').allTextContents()).resolves.toEqual(['REDRIVEN']);
    await saveScreenshot(page, 'console-redrive-done');
  }

  it('refuses a customer token: the console gives it nothing', async () => {
    const page = await signedIn(CUSTOMER_TOKEN);
    await expect(text(page.locator('.notice.error'))).resolves.toContain(
      'this token gets nothing here',
    );
    await saveScreenshot(page, 'console-customer-refused');
    const sagas = await page.goto(`${consoleUrl}/sagas`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(sagas?.status()).toBe(200);
    expect(await page.content()).not.toContain('Sagas ·');
    await page.close();
  });

  it('shows a stalled saga stuck on a dead letter, redrives it once, and the saga completes', async () => {
    // The cause: eligibility's database refuses new cases (a maintenance lock left behind).
    const eligibilityDb = harness.sys.databases.eligibility;
    await queryDatabase(
      eligibilityDb,
      `CREATE FUNCTION refuse_cases() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'eligibility_cases is locked for maintenance'; END $$`,
    );
    await queryDatabase(
      eligibilityDb,
      'CREATE TRIGGER maintenance_lock BEFORE INSERT ON eligibility_cases FOR EACH ROW EXECUTE FUNCTION refuse_cases()',
    );
    const accountId = newAccountId('console-stuck');
    const account = suspendedAccount(accountId);
    await driver.importAccount(accountId, account);
    const order = await driver.placeOrder(
      accountId,
      'EU',
      licenseIdsOf(account),
      newCustomer(accountId),
    );
    await driver.pay(order);

    const page = await signedIn(TEST_OPS_TOKEN);
    try {
      await findStalledAndRedrive(page, order.id);
    } finally {
      await queryDatabase(
        eligibilityDb,
        'DROP TRIGGER IF EXISTS maintenance_lock ON eligibility_cases',
      );
    }
    await driver.finalEvent(order.id);
    expect(driver.eventsOf(order.id, 'EligibilityVerified')).toHaveLength(1);
    await page.goto(`${consoleUrl}/sagas/${order.id}`);
    await expect(page.locator('.verdict').getAttribute('data-verdict')).resolves.toBe('FINISHED');
    await expect(page.locator('tr[data-type=EligibilityVerified]').count()).resolves.toBe(1);
    await saveScreenshot(page, 'console-saga-finished');

    // The redrive is recorded (who and when), and a second one sends nothing.
    await page.goto(`${consoleUrl}/dead-letters?group=${ConsumerGroups.Eligibility}`);
    await expect(text(page.locator('tr', { hasText: order.id }))).resolves.toMatch(
      /by ops:[0-9a-f]{12}/,
    );
    const [requested] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/dead-letters/redrive')),
      page
        .fill('input[name=type]', 'OrderPaid')
        .then(() => page.click('button:has-text("Dry run…")')),
    ]);
    expect(requested.status()).toBe(200);
    await expect(text(page.locator('main'))).resolves.toContain('Nothing to redrive.');
    await page.close();
  });

  it('lets ops check documents and approve a review, then shows the saga complete', async () => {
    const accountId = newAccountId('console-review');
    const account = suspendedAccount(accountId);
    account.holds.push({
      holdId: `${accountId}-kyc`,
      category: 'COMPLIANCE_HOLD',
      reason: 'identity to be verified',
      state: 'ACTIVE',
      requiredDocuments: DOCUMENTS,
    });
    await driver.importAccount(accountId, account);
    const order = await driver.placeOrder(
      accountId,
      'EU',
      licenseIdsOf(account),
      newCustomer(accountId),
    );
    await driver.pay(order);
    const { data: review } = await driver.waitForEvent<EligibilityReviewRequired>(
      'EligibilityReviewRequired',
      order.id,
    );

    // Support may look, not decide.
    const support = await signedIn(TEST_SUPPORT_TOKEN);
    await support.goto(`${consoleUrl}/reviews`);
    const seen = support.locator(`#review-${review.reviewId}`);
    await expect(text(seen)).resolves.toContain(order.id);
    await expect(seen.locator('button').count()).resolves.toBe(0);
    await support.close();

    const page = await signedIn(TEST_OPS_TOKEN);
    await page.goto(`${consoleUrl}/reviews`);
    const section = page.locator(`#review-${review.reviewId}`);
    await expect(text(section)).resolves.toMatch(/Deadline .* left\)/);
    await saveScreenshot(page, 'console-review-open');
    for (const document of DOCUMENTS) {
      await section
        .locator(
          `form[action="/reviews/${review.reviewId}/documents/${document}"] button[value=VERIFIED]`,
        )
        .click();
      await expect(text(page.locator('.notice.ok'))).resolves.toContain(
        `${document} recorded as VERIFIED`,
      );
    }
    await section.locator('input[name=note]').fill('documents match the registry');
    await section.locator('button[value=approve]').click();
    await expect(text(page.locator('.notice.ok'))).resolves.toContain('approved');

    // The saga page refreshes itself until the saga ends.
    await page.goto(`${consoleUrl}/sagas/${order.id}`);
    await page.locator('.verdict[data-verdict="FINISHED"]').waitFor({ timeout: 60_000 });
    await expect(text(page.locator('.verdict'))).resolves.toContain('OrderFulfilled');
    await saveScreenshot(page, 'console-review-saga-finished');

    // Eligibility audited each step with the ops token's id.
    await page.goto(`${consoleUrl}/reviews?state=APPROVED`);
    const audit = page.locator(`#review-${review.reviewId} details`);
    await expect(text(audit)).resolves.toMatch(/ops:[0-9a-f]{12}: APPROVED/);
    await page.close();
  });

  it('filters sagas by account, order, region, stage and contact; support sees their own cases first', async () => {
    // Two sagas at once: while one is open the other goes to another EU contact.
    const placed = await Promise.all(
      ['console-list-a', 'console-list-b'].map(async (label) => {
        const accountId = newAccountId(label);
        const account = suspendedAccount(accountId);
        await driver.importAccount(accountId, account);
        return driver.placeOrder(accountId, 'EU', licenseIdsOf(account), newCustomer(accountId));
      }),
    );
    await Promise.all(placed.map((order) => driver.pay(order)));
    await Promise.all(placed.map((order) => driver.finalEvent(order.id)));
    const [first, second] = placed;

    const page = await signedIn(TEST_SUPPORT_TOKEN);
    const listed = async (filters: string): Promise<{ order: string; contact: string }[]> => {
      await page.goto(`${consoleUrl}/sagas?${filters}`);
      const rows = await page.locator('tbody tr').all();
      const cells = await Promise.all(rows.map((row) => row.locator('td').allTextContents()));
      const clean = (cell: string) => cell.replace(/\s+/g, ' ').trim();
      return cells
        .filter((c) => c.length === 8)
        .map((c) => ({ order: clean(c[0]), contact: clean(c[7]) }));
    };
    await eventually(async () => {
      expect(
        (await listed(`view=fulfilled&accountId=${first.accountId}`)).map((r) => r.order),
      ).toEqual([first.id]);
    });
    await saveScreenshot(page, 'console-sagas-filtered');
    expect((await listed(`orderId=${second.id}`)).map((r) => r.order)).toEqual([second.id]);
    expect((await listed(`view=in-flight&orderId=${second.id}`)).map((r) => r.order)).toEqual([]);
    expect((await listed(`region=US&orderId=${second.id}`)).map((r) => r.order)).toEqual([]);
    expect((await listed(`stage=OrderFulfilled&orderId=${second.id}`)).map((r) => r.order)).toEqual(
      [second.id],
    );
    const both = await listed('view=fulfilled&region=EU');
    const contactOf = (orderId: string) => both.find((r) => r.order === orderId)?.contact ?? '';
    const contactId = /\(([\w-]+)\)$/.exec(contactOf(first.id))?.[1];
    expect(contactId).toBeDefined();
    expect(contactOf(second.id)).not.toContain(contactId!);
    const byContact = await listed(`view=fulfilled&contactId=${contactId}`);
    expect(byContact.length).toBeGreaterThan(0);
    expect(byContact.every((r) => r.contact.includes(contactId!))).toBe(true);
    await page.close();

    // Signed in as that contact: their cases first, then the others.
    const own = await signedIn(contactToken(contactId!));
    await own.goto(`${consoleUrl}/sagas?view=fulfilled&region=EU`);
    const contacts = await own.locator('tbody tr td:nth-child(8)').allTextContents();
    const mine = contacts.map((c) => c.includes(contactId!));
    expect(mine.filter(Boolean).length).toBeGreaterThan(0);
    expect(mine.filter((m) => !m).length).toBeGreaterThan(0);
    expect(mine).toEqual([...mine].sort((a, b) => Number(b) - Number(a)));
    await saveScreenshot(own, 'console-sagas-own-first');
    await own.close();
  });
});
