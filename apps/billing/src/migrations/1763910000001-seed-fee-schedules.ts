import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The published fee schedules of the four supported regions, in minor units of each currency
 * (JPY has none: 7500 is ¥7,500). EU and UK prices include VAT; US and JP add their tax.
 */
export class SeedFeeSchedules1763910000001 implements MigrationInterface {
  name = 'SeedFeeSchedules1763910000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO fee_schedules (region, currency, tax_rate_bps, tax_inclusive, base_fee_minor,
                                 per_license_fee_minor, scheduled_activation_fee_minor, renewal_reminders_fee_minor)
      VALUES ('EU', 'EUR', 2100,  true,  4900, 500, 1500, 500),
             ('UK', 'GBP', 2000,  true,  4200, 450, 1300, 400),
             ('US', 'USD', 887.5, false, 5500, 550, 1600, 550),
             ('JP', 'JPY', 1000,  false, 7500, 800, 2400, 800)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM fee_schedules WHERE region IN ('EU', 'UK', 'US', 'JP')`);
  }
}
