/**
 * Where the locally running system is and how to talk to it: shared by the demo data loader and
 * the drive script, and matching what scripts/dev/run-system.sh starts the services with.
 */
export const SERVICE_PORTS = {
  billing: 3001,
  eligibility: 3002,
  licensing: 3003,
  notifications: 3004,
} as const;

export type DevServiceName = keyof typeof SERVICE_PORTS;

export const MAILBOX_SMTP_PORT = Number(process.env.DEV_MAILBOX_SMTP_PORT ?? 1025);
export const MAILBOX_HTTP_PORT = Number(process.env.DEV_MAILBOX_HTTP_PORT ?? 1080);
export const MAILBOX_URL = `http://127.0.0.1:${MAILBOX_HTTP_PORT}`;

export const DEV_OPS_TOKEN = 'dev-ops-token';
export const DEV_SUPPORT_TOKEN = 'dev-support-token';
/** The support contacts notifications' migration seeds (development roster). */
const ROSTER_CONTACTS = [
  'eu-amelie-laurent',
  'eu-jonas-becker',
  'eu-sofia-rossi',
  'us-maya-johnson',
  'us-daniel-brooks',
  'uk-oliver-hughes',
  'uk-priya-shah',
  'jp-haruto-sato',
  'jp-yui-tanaka',
];

/** The HMAC secret the services verify upstream payment events with (billing's own default). */
export const UPSTREAM_SIGNING_SECRET = process.env.UPSTREAM_SIGNING_SECRET ?? 'dev-upstream-secret';
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const KAFKA_TOPIC_PREFIX = process.env.KAFKA_TOPIC_PREFIX ?? '';

export function serviceUrl(name: DevServiceName): string {
  return `http://127.0.0.1:${SERVICE_PORTS[name]}`;
}

/** Each demo account has a customer token that may see only that account. */
export function customerToken(accountId: string): string {
  return `dev-customer-token-${accountId}`;
}

export function apiTokens(customerAccountIds: string[]): string {
  return [
    `${DEV_OPS_TOKEN}:ops`,
    `${DEV_SUPPORT_TOKEN}:support`,
    // A support person of the seeded roster each (their own cases come first in the console).
    ...ROSTER_CONTACTS.map((contactId) => `${DEV_SUPPORT_TOKEN}-${contactId}:support:${contactId}`),
    ...customerAccountIds.map((id) => `${customerToken(id)}:customer:${id}`),
  ].join(',');
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

/** A JSON call to one of the services; throws HttpError on a non-2xx answer. */
export async function call<T>(
  service: DevServiceName,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<T> {
  const url = serviceUrl(service) + path;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.token ?? DEV_OPS_TOKEN}`,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new Error(
      `${service} does not answer at ${url} (${(error as Error).message}): is the system up? (npm start)`,
    );
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (!response.ok) throw new HttpError(response.status, body, `${method} ${service}${path}`);
  return body as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
