import { ServiceApi, ServiceApiError, ServiceName } from '../services/service-api';

export interface ServiceState {
  service: string;
  /** The order's status/state in that service, when it has one. */
  status?: string;
  /** What the service says of the order (no personal data). */
  fields?: Record<string, unknown>;
  /** Why there is no state: no record, no access, service unreachable. */
  note?: string;
}

interface StateSource {
  service: ServiceName;
  path: (orderId: string) => string;
  /** The answer's fields shown (never the customer's name or email). */
  fields: string[];
}

const SOURCES: StateSource[] = [
  {
    service: 'billing',
    path: (orderId) => `/orders/${orderId}`,
    fields: ['status', 'payment', 'refund', 'timeline'],
  },
  {
    service: 'eligibility',
    path: (orderId) => `/cases/${orderId}`,
    fields: ['state', 'outcome', 'reasons', 'reviewId', 'checkedAt', 'decidedAt', 'closedAt'],
  },
  {
    service: 'licensing',
    path: (orderId) => `/reactivations/${orderId}`,
    fields: [
      'state',
      'scheduledFor',
      'reasons',
      'resuspendedLicenseIds',
      'clearedHoldIds',
      'note',
      'completedAt',
    ],
  },
  {
    service: 'notifications',
    path: (orderId) => `/reactivations/${orderId}`,
    fields: ['status', 'supportContact'],
  },
];

/**
 * What each service says about an order, read through its HTTP API with the caller's token (the
 * services' tables are their own). A service that does not know the order, refuses the token or
 * cannot be reached gives a note instead of failing the whole inspection.
 */
export class ServiceStateReader {
  constructor(private readonly api: ServiceApi) {}

  async read(orderId: string): Promise<ServiceState[]> {
    return Promise.all(SOURCES.map((source) => this.readOne(source, orderId)));
  }

  private async readOne(source: StateSource, orderId: string): Promise<ServiceState> {
    try {
      const answer = await this.api.get<Record<string, unknown>>(
        source.service,
        source.path(orderId),
      );
      const fields = Object.fromEntries(
        source.fields.filter((f) => f in answer).map((f) => [f, answer[f]]),
      );
      const status = answer.status ?? answer.state;
      return { service: source.service, ...(typeof status === 'string' ? { status } : {}), fields };
    } catch (error) {
      if (!(error instanceof ServiceApiError)) throw error;
      return { service: source.service, note: noteOf(error) };
    }
  }
}

function noteOf(error: ServiceApiError): string {
  if (error.status === 404) return `${error.service} has no record of this order`;
  if (error.status === 401 || error.status === 403)
    return `${error.service} refused the token (${error.code}): give a support or ops token`;
  return error.message;
}
