import { ServiceApi, ServiceUrls } from '../services/service-api';
import { ConsoleSession } from './session/session.store';

/** How the console runs: where the services are, and whether its cookie needs HTTPS. */
export class ConsoleSettings {
  constructor(
    readonly serviceUrls: ServiceUrls,
    /** Secure cookies (HTTPS only) everywhere but in development on plain http://127.0.0.1. */
    readonly secureCookie: boolean,
    /** How long a saga may wait at a stage before the story calls it stuck. */
    readonly stuckAfterMs: number,
  ) {}

  /** The services as the signed-in person: their token, so their role decides. */
  apiFor(session: Pick<ConsoleSession, 'token'>): ServiceApi {
    return new ServiceApi(this.serviceUrls, session.token);
  }
}
