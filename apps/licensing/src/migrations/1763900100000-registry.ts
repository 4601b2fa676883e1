import { MigrationInterface, QueryRunner } from 'typeorm';

/** The registry: accounts, their holds, contracts (with granted entitlements) and licenses. */
export class Registry1763900100000 implements MigrationInterface {
  name = 'Registry1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE accounts (
        id                           text PRIMARY KEY,
        region                       text NOT NULL,
        status                       text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'TERMINATED')),
        outstanding_balance_minor    bigint NOT NULL CHECK (outstanding_balance_minor >= 0),
        outstanding_balance_currency char(3) NOT NULL,
        version                      integer NOT NULL CHECK (version >= 1),
        updated_at                   timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE holds (
        id                  text PRIMARY KEY,
        account_id          text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        category            text NOT NULL
                            CHECK (category IN ('BILLING_HOLD', 'COMPLIANCE_HOLD', 'TECHNICAL_INTERRUPTION', 'FRAUD', 'LEGAL')),
        reason              text NOT NULL,
        state               text NOT NULL CHECK (state IN ('ACTIVE', 'CLEARED')),
        incident_resolved   boolean,
        required_documents  jsonb,
        cleared_at          timestamptz,
        cleared_by_order_id text
      )`);
    await queryRunner.query('CREATE INDEX holds_account_idx ON holds (account_id)');
    await queryRunner.query(`
      CREATE TABLE contracts (
        id                text PRIMARY KEY,
        account_id        text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        starts_at         timestamptz NOT NULL,
        ends_at           timestamptz NOT NULL,
        renewal_terms     text NOT NULL,
        baseline_terms    jsonb NOT NULL,
        terms_fingerprint char(64) NOT NULL,
        CHECK (ends_at > starts_at)
      )`);
    await queryRunner.query('CREATE INDEX contracts_account_idx ON contracts (account_id)');
    await queryRunner.query(`
      CREATE TABLE contract_entitlements (
        contract_id text NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
        code        text NOT NULL,
        name        text NOT NULL,
        PRIMARY KEY (contract_id, code)
      )`);
    await queryRunner.query(`
      CREATE TABLE licenses (
        id           text PRIMARY KEY,
        account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        contract_id  text NOT NULL REFERENCES contracts (id),
        product      text NOT NULL,
        status       text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED')),
        expires_at   timestamptz NOT NULL,
        suspended_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX licenses_account_idx ON licenses (account_id)');
    await queryRunner.query(`
      CREATE TABLE license_entitlements (
        license_id           text NOT NULL REFERENCES licenses (id) ON DELETE CASCADE,
        code                 text NOT NULL,
        name                 text NOT NULL,
        granted_at           timestamptz NOT NULL,
        restored_by_order_id text,
        PRIMARY KEY (license_id, code)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE license_entitlements');
    await queryRunner.query('DROP TABLE licenses');
    await queryRunner.query('DROP TABLE contract_entitlements');
    await queryRunner.query('DROP TABLE contracts');
    await queryRunner.query('DROP TABLE holds');
    await queryRunner.query('DROP TABLE accounts');
  }
}
