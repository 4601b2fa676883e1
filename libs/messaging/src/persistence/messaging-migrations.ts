import { InboxProcessedAtIndex1764500000002 } from './inbox-retention.migration';
import { MessagingTables1763900000000 } from './messaging-tables.migration';
import { OutboxBytes1764500000000 } from './outbox-bytes.migration';
import { OutboxParked1764500000001 } from './outbox-parked.migration';

/** The runtime's migrations, in order: every service's data source runs them before its own. */
export const messagingMigrations = [
  MessagingTables1763900000000,
  OutboxBytes1764500000000,
  OutboxParked1764500000001,
  InboxProcessedAtIndex1764500000002,
];
