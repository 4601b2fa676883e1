import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An entitlement a license currently has (granted by its contract; none while suspended). */
@Entity({ name: 'license_entitlements' })
export class LicenseEntitlementEntity {
  @PrimaryColumn({ name: 'license_id', type: 'text' })
  licenseId: string;

  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt: Date;

  /** The reactivation that restored it, when one did. */
  @Column({ name: 'restored_by_order_id', type: 'text', nullable: true })
  restoredByOrderId: string | null;
}
