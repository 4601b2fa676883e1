import { MigrationInterface, QueryRunner } from 'typeorm';

/** Notifications' tables: roster and cases, timelines, the email queue, stalls. */
export class Notifications1763904000000 implements MigrationInterface {
  name = 'Notifications1763904000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE support_contacts (
        contact_id  text PRIMARY KEY,
        region      text NOT NULL,
        name        text NOT NULL,
        email       text NOT NULL UNIQUE
      )`);
    await queryRunner.query(
      `CREATE INDEX support_contacts_region ON support_contacts (region, name)`,
    );
    await queryRunner.query(`
      CREATE TABLE support_cases (
        order_id           text PRIMARY KEY,
        account_id         text NOT NULL,
        region             text NOT NULL,
        contact_id         text NOT NULL REFERENCES support_contacts (contact_id),
        customer_name_enc  text NOT NULL,
        customer_email_enc text NOT NULL,
        paid_amount_minor  bigint NOT NULL CHECK (paid_amount_minor >= 0),
        paid_currency      text NOT NULL,
        add_ons            text[] NOT NULL DEFAULT '{}',
        opened_at          timestamptz NOT NULL,
        closed_at          timestamptz
      )`);
    // Open cases per contact, counted at every assignment.
    await queryRunner.query(
      `CREATE INDEX support_cases_open_by_contact ON support_cases (contact_id) WHERE closed_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE reactivations (
        order_id         text PRIMARY KEY,
        account_id       text NOT NULL,
        status           text NOT NULL,
        progress_rank    int NOT NULL,
        progress_stage   text,
        progress_at      timestamptz,
        stalled_stage    text,
        window_ends_at   timestamptz,
        review_deadline  timestamptz,
        stall_deadline   timestamptz,
        updated_at       timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX reactivations_stall_deadline ON reactivations (stall_deadline) WHERE stall_deadline IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE timeline_stages (
        id        bigserial PRIMARY KEY,
        order_id  text NOT NULL,
        event_id  text NOT NULL,
        stage     text NOT NULL,
        at        timestamptz NOT NULL,
        details   jsonb NOT NULL,
        CONSTRAINT timeline_stages_once UNIQUE (order_id, event_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE notifications (
        id               uuid PRIMARY KEY,
        order_id         text NOT NULL,
        account_id       text NOT NULL,
        stage            text NOT NULL,
        subject_key      text NOT NULL DEFAULT '',
        audience         text NOT NULL CHECK (audience IN ('CUSTOMER', 'SUPPORT')),
        status           text NOT NULL CHECK (status IN ('HELD', 'PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED')),
        content          jsonb NOT NULL,
        due_at           timestamptz NOT NULL,
        next_attempt_at  timestamptz NOT NULL,
        attempts         int NOT NULL DEFAULT 0,
        claimed_at       timestamptz,
        message_id       text,
        sent_at          timestamptz,
        last_error       text,
        created_at       timestamptz NOT NULL,
        CONSTRAINT notifications_one_per_stage UNIQUE (order_id, stage, subject_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN ('PENDING', 'SENDING')`,
    );

    await queryRunner.query(`
      CREATE TABLE reactivation_stalls (
        order_id   text NOT NULL,
        stage      text NOT NULL,
        since      timestamptz NOT NULL,
        deadline   timestamptz NOT NULL,
        raised_at  timestamptz NOT NULL,
        PRIMARY KEY (order_id, stage)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'reactivation_stalls',
      'notifications',
      'timeline_stages',
      'reactivations',
      'support_cases',
      'support_contacts',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
