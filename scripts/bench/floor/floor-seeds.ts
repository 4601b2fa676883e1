import { sealedCustomer } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { FloorSeed } from './floor-schema';

/** N suspended accounts with their placed orders, as the product's setup creates them. */
export function floorSeeds(n: number): FloorSeed[] {
  return Array.from({ length: n }, (_, i) => {
    const suffix = `f${i}-${randomUUID().slice(0, 8)}`;
    return {
      orderId: randomUUID(),
      accountId: `acct-${suffix}`,
      licenseId: `l-${suffix}`,
      contractId: `c-${suffix}`,
      holdId: `h-${suffix}`,
      amountMinor: 4900,
      currency: 'EUR',
      customerSealed: sealedCustomer({
        name: `Bench Customer ${i}`,
        email: `customer${i}@bench.example`,
      }).sealed,
    };
  });
}
