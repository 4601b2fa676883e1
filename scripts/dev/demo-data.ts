/**
 * Demo accounts, one per scenario of the saga, imported into licensing with PUT /accounts/:id
 * (which replaces the whole account, so loading again resets them), then awaited in eligibility's
 * copy (it learns accounts only from licensing's AccountSnapshot events).
 *
 *   node dist/scripts/dev/demo-data.js [--quiet]  load every demo account (npm run demo)
 *   node dist/scripts/dev/demo-data.js --list     print the scenarios
 *   node dist/scripts/dev/demo-data.js --api-tokens   print API_TOKENS with a customer token per account
 */
import { AccountImportRequest } from '@app/contracts';
import { apiTokens, call, sleep } from './dev-system';

type DemoAccount = AccountImportRequest;

interface Scenario {
  accountId: string;
  /** What driving a reactivation of this account shows. */
  expect: string;
  /** Extra options of `npm run reactivate` that make the scenario. */
  drive?: string;
  account: DemoAccount;
}

// Dates relative to today (at midnight UTC) so the demo stays valid whenever it is loaded,
// and loading twice on one day imports the very same terms.
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const day = (offset: number): string => new Date(today + offset * DAY).toISOString();

const ENTITLEMENTS = {
  meetings: { code: 'VIDEO_MEETINGS', name: 'HD video meetings' },
  recording: { code: 'CLOUD_RECORDING', name: 'Cloud recording (500 GB)' },
  rooms: { code: 'ROOM_SYSTEMS', name: 'Conference room systems' },
  support: { code: 'PRIORITY_SUPPORT', name: 'Priority support' },
};

function contract(
  accountId: string,
  entitlements: { code: string; name: string }[],
  startsAt = day(-300),
  endsAt = day(430),
): DemoAccount['contracts'][number] {
  return {
    contractId: `${accountId}-contract`,
    startsAt,
    endsAt,
    renewalTerms: 'ANNUAL_AUTO_RENEW',
    entitlements,
  };
}

function suspendedLicense(
  accountId: string,
  n: number,
  product: string,
  expiresAt = day(430),
): DemoAccount['licenses'][number] {
  return {
    licenseId: `${accountId}-lic-${n}`,
    contractId: `${accountId}-contract`,
    product,
    status: 'SUSPENDED',
    expiresAt,
    suspendedAt: day(-12),
  };
}

function billingHold(accountId: string): DemoAccount['holds'][number] {
  return {
    holdId: `${accountId}-billing-hold`,
    category: 'BILLING_HOLD',
    reason: 'Invoice overdue',
    state: 'ACTIVE',
  };
}

const zero = (currency: string) => ({ amountMinor: 0, currency });

export const SCENARIOS: Scenario[] = [
  {
    accountId: 'demo-happy',
    expect: 'fulfilled at once: 2 licenses and their entitlements restored (EU, EUR, VAT included)',
    account: {
      region: 'EU',
      status: 'SUSPENDED',
      outstandingBalance: zero('EUR'),
      holds: [{ ...billingHold('demo-happy'), reason: 'Invoice overdue, since paid in full' }],
      contracts: [
        contract('demo-happy', [ENTITLEMENTS.meetings, ENTITLEMENTS.recording, ENTITLEMENTS.rooms]),
      ],
      licenses: [
        suspendedLicense('demo-happy', 1, 'Poly Lens Pro'),
        // Expires within the reminder horizon: with --add-ons RENEWAL_REMINDERS a reminder goes at once.
        suspendedLicense('demo-happy', 2, 'Poly Video Room', day(20)),
      ],
    },
  },
  {
    accountId: 'demo-window',
    expect: 'scheduled, then fulfilled at the start of the change window (US, USD, tax on top)',
    drive: '--window-in 20',
    account: {
      region: 'US',
      status: 'SUSPENDED',
      outstandingBalance: zero('USD'),
      holds: [
        {
          holdId: 'demo-window-incident',
          category: 'TECHNICAL_INTERRUPTION',
          reason: 'Provisioning outage INC-7731',
          state: 'ACTIVE',
          incidentResolved: true,
        },
      ],
      contracts: [contract('demo-window', [ENTITLEMENTS.meetings, ENTITLEMENTS.support])],
      licenses: [suspendedLicense('demo-window', 1, 'Poly Lens Pro')],
    },
  },
  {
    accountId: 'demo-review',
    expect: 'compliance review: ops verify the documents and approve (or deny) over HTTP (UK, GBP)',
    account: {
      region: 'UK',
      status: 'SUSPENDED',
      outstandingBalance: zero('GBP'),
      holds: [
        {
          holdId: 'demo-review-compliance',
          category: 'COMPLIANCE_HOLD',
          reason: 'Know-your-customer check',
          state: 'ACTIVE',
          requiredDocuments: ['proof-of-address', 'company-registration'],
        },
      ],
      contracts: [contract('demo-review', [ENTITLEMENTS.meetings])],
      licenses: [suspendedLicense('demo-review', 1, 'Poly Lens Standard')],
    },
  },
  {
    accountId: 'demo-terminated',
    expect: 'rejected ACCOUNT_TERMINATED, refunded in full',
    account: {
      region: 'EU',
      status: 'TERMINATED',
      outstandingBalance: zero('EUR'),
      holds: [],
      contracts: [contract('demo-terminated', [ENTITLEMENTS.meetings])],
      licenses: [suspendedLicense('demo-terminated', 1, 'Poly Lens Standard')],
    },
  },
  {
    accountId: 'demo-balance',
    expect: 'rejected OUTSTANDING_BALANCE (the fee does not pay arrears), refunded',
    account: {
      region: 'US',
      status: 'SUSPENDED',
      outstandingBalance: { amountMinor: 12_000, currency: 'USD' },
      holds: [billingHold('demo-balance')],
      contracts: [contract('demo-balance', [ENTITLEMENTS.meetings])],
      licenses: [suspendedLicense('demo-balance', 1, 'Poly Lens Pro')],
    },
  },
  {
    accountId: 'demo-fraud',
    expect: 'rejected HOLD_NOT_CLEARABLE (a fraud hold), refunded',
    account: {
      region: 'EU',
      status: 'SUSPENDED',
      outstandingBalance: zero('EUR'),
      holds: [
        {
          holdId: 'demo-fraud-hold',
          category: 'FRAUD',
          reason: 'Chargeback investigation',
          state: 'ACTIVE',
        },
      ],
      contracts: [contract('demo-fraud', [ENTITLEMENTS.meetings])],
      licenses: [suspendedLicense('demo-fraud', 1, 'Poly Lens Pro')],
    },
  },
  {
    accountId: 'demo-expired',
    expect: 'rejected CONTRACT_EXPIRED, refunded',
    account: {
      region: 'EU',
      status: 'SUSPENDED',
      outstandingBalance: zero('EUR'),
      holds: [billingHold('demo-expired')],
      contracts: [contract('demo-expired', [ENTITLEMENTS.meetings], day(-400), day(-35))],
      licenses: [suspendedLicense('demo-expired', 1, 'Poly Lens Pro', day(-35))],
    },
  },
  {
    accountId: 'demo-region',
    expect:
      'rejected REGION_UNSUPPORTED (account in BR; billing has no BR fee schedule, so it is quoted in EU)',
    account: {
      region: 'BR',
      status: 'SUSPENDED',
      outstandingBalance: zero('BRL'),
      holds: [billingHold('demo-region')],
      contracts: [contract('demo-region', [ENTITLEMENTS.meetings])],
      licenses: [suspendedLicense('demo-region', 1, 'Poly Lens Pro')],
    },
  },
  {
    accountId: 'demo-jp',
    expect: 'fulfilled at once, priced in JPY (a zero-decimal currency, tax on top)',
    account: {
      region: 'JP',
      status: 'SUSPENDED',
      outstandingBalance: zero('JPY'),
      holds: [billingHold('demo-jp')],
      contracts: [contract('demo-jp', [ENTITLEMENTS.meetings, ENTITLEMENTS.rooms])],
      licenses: [
        suspendedLicense('demo-jp', 1, 'Poly Lens Pro'),
        suspendedLicense('demo-jp', 2, 'Poly Video Room'),
      ],
    },
  },
];

export async function loadDemoData(log: (line: string) => void = console.log): Promise<void> {
  const versions = new Map<string, number>();
  for (const { accountId, account } of SCENARIOS) {
    const imported = await call<{ version: number }>('licensing', 'PUT', `/accounts/${accountId}`, {
      body: account,
    });
    versions.set(accountId, imported.version);
  }
  // Eligibility keeps its own copy from the AccountSnapshot events: the demo is usable only once
  // that copy has caught up with every import.
  const deadline = Date.now() + 60_000;
  for (const [accountId, version] of versions) {
    for (;;) {
      const copy = await call<{ version: number }>(
        'eligibility',
        'GET',
        `/accounts/${accountId}`,
      ).catch(() => undefined);
      if (copy && copy.version >= version) break;
      if (Date.now() > deadline) {
        throw new Error(`eligibility has not received ${accountId} v${version} after 60 s`);
      }
      await sleep(250);
    }
  }
  log(`demo data: ${SCENARIOS.length} accounts imported into licensing and known to eligibility`);
}

export function describeScenarios(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.accountId.length + (s.drive?.length ?? 0))) + 1;
  return SCENARIOS.map(({ accountId, drive, expect }) => {
    const command = drive ? `${accountId} ${drive}` : accountId;
    return `  ${command.padEnd(width)}  ${expect}`;
  }).join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--api-tokens')) {
    process.stdout.write(apiTokens(SCENARIOS.map((s) => s.accountId)) + '\n');
    return;
  }
  if (args.includes('--list')) {
    console.log(describeScenarios());
    return;
  }
  await loadDemoData();
  if (!args.includes('--quiet')) console.log(describeScenarios());
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`demo data: ${error.message}`);
    process.exit(1);
  });
}
