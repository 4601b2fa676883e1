import { MigrationInterface, QueryRunner } from 'typeorm';

const ROSTER: [contactId: string, region: string, name: string, email: string][] = [
  ['eu-amelie-laurent', 'EU', 'Amélie Laurent', 'amelie.laurent@support.poly.example'],
  ['eu-jonas-becker', 'EU', 'Jonas Becker', 'jonas.becker@support.poly.example'],
  ['eu-sofia-rossi', 'EU', 'Sofia Rossi', 'sofia.rossi@support.poly.example'],
  ['us-maya-johnson', 'US', 'Maya Johnson', 'maya.johnson@support.poly.example'],
  ['us-daniel-brooks', 'US', 'Daniel Brooks', 'daniel.brooks@support.poly.example'],
  ['uk-oliver-hughes', 'UK', 'Oliver Hughes', 'oliver.hughes@support.poly.example'],
  ['uk-priya-shah', 'UK', 'Priya Shah', 'priya.shah@support.poly.example'],
  ['jp-haruto-sato', 'JP', 'Haruto Sato', 'haruto.sato@support.poly.example'],
  ['jp-yui-tanaka', 'JP', 'Yui Tanaka', 'yui.tanaka@support.poly.example'],
];

/** The support roster: named contacts for every region billing sells in (EU, US, UK, JP). */
export class SeedSupportRoster1763904000001 implements MigrationInterface {
  name = 'SeedSupportRoster1763904000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [contactId, region, name, email] of ROSTER) {
      await queryRunner.query(
        `INSERT INTO support_contacts (contact_id, region, name, email) VALUES ($1, $2, $3, $4)
         ON CONFLICT (contact_id) DO NOTHING`,
        [contactId, region, name, email],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM support_contacts WHERE contact_id = ANY($1)`, [
      ROSTER.map((r) => r[0]),
    ]);
  }
}
