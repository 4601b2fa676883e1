/**
 * Puts the ACLs of libs/contracts KAFKA_ACCESS on a broker that authorizes every request
 * (StandardAuthorizer, allow.everyone.if.no.acl.found=false). Run as the broker's admin by
 * scripts/kafka/create-acls.ts (kafka.sh in secure mode, compose's kafka-setup job). Adding an
 * ACL that exists changes nothing, so it may run on every start.
 */
import { KafkaAcl, kafkaAcls } from '@app/contracts';
import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  KafkaConfig,
  logLevel,
  ResourcePatternTypes,
} from 'kafkajs';
import { kafkaClient } from './kafka-client';

const OPERATIONS: Record<KafkaAcl['operations'][number], AclOperationTypes> = {
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Describe: AclOperationTypes.DESCRIBE,
  Delete: AclOperationTypes.DELETE,
};

/** kafkajs ACL entries: one per operation of each ACL of the table. */
export function aclEntries(acls: KafkaAcl[]): AclEntry[] {
  return acls.flatMap((acl) =>
    acl.operations.map((operation): AclEntry => ({
      resourceType: acl.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: acl.name,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${acl.user}`,
      host: '*',
      operation: OPERATIONS[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Creates the table's ACLs (names under `prefix`); returns how many entries it holds. */
export async function ensureAcls(
  brokers: string[],
  prefix = '',
  /** TLS and SASL of the admin user. */
  connection: Pick<KafkaConfig, 'ssl' | 'sasl'> = {},
): Promise<number> {
  const acl = aclEntries(kafkaAcls(prefix));
  const admin = kafkaClient({
    clientId: 'ensure-acls',
    brokers,
    logLevel: logLevel.ERROR,
    ...connection,
  }).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  return acl.length;
}
