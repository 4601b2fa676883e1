import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Which account each known license belongs to (from the snapshots), so a license ordered for the
 * wrong account is told apart from one that does not exist at all.
 */
@Entity({ name: 'license_owners' })
export class LicenseOwnerEntity {
  @PrimaryColumn({ name: 'license_id', type: 'text' }) licenseId: string;
  @Index('license_owners_account_idx')
  @Column({ name: 'account_id', type: 'text' })
  accountId: string;
}
