import { PersonalDataCipher } from '@app/platform';
import { migratedDataSource, TEST_PII_KEY } from '@app/testing';
import { DataSource } from 'typeorm';
import { BILLING_ENTITIES, BILLING_MIGRATIONS } from '../src/billing.persistence';
import { OrderRepository } from '../src/orders/order.repository';

describe("billing's unpaid-order sweep (real PostgreSQL)", () => {
  let dataSource: DataSource;
  let orders: OrderRepository;

  beforeAll(async () => {
    ({ dataSource } = await migratedDataSource('billing', {
      entities: BILLING_ENTITIES,
      migrations: BILLING_MIGRATIONS,
    }));
    orders = new OrderRepository(new PersonalDataCipher(TEST_PII_KEY));
  });
  afterAll(() => dataSource?.destroy());

  it('counts the orders it expired: none when nothing is due', async () => {
    // A count that is not the number of rows changed keeps the sweep looping or logging wrongly.
    await expect(orders.expireUnpaid(dataSource.manager, new Date(), 500)).resolves.toBe(0);
  });
});
