import { OutboxState as ServiceOutbox, ParkedOutboxRow } from '@app/messaging';
import { ServiceApi, ServiceApiError, ServiceName } from '../services/service-api';

export type ParkedRow = ParkedOutboxRow;

export interface OutboxState {
  service: string;
  /** Rows waiting for the relay, and the age of the oldest (seconds). */
  waiting?: number;
  oldestWaitingSeconds?: number;
  parked: ParkedRow[];
  /** Why the state could not be read: the service unreachable, the token refused. */
  note?: string;
}

/** Reads each service's outbox through its API (`GET /ops/outbox`, ops role). */
export class OutboxStateReader {
  constructor(private readonly api: ServiceApi) {}

  async read(services: ServiceName[]): Promise<OutboxState[]> {
    return Promise.all(services.map((service) => this.readOne(service)));
  }

  private async readOne(service: ServiceName): Promise<OutboxState> {
    try {
      const state = await this.api.get<ServiceOutbox>(service, '/ops/outbox');
      return { service, ...state };
    } catch (error) {
      if (!(error instanceof ServiceApiError)) throw error;
      const note =
        error.status === 401 || error.status === 403
          ? `${service} refused the token (${error.code}): set OPS_API_TOKEN to an ops token`
          : error.message;
      return { service, parked: [], note };
    }
  }
}
