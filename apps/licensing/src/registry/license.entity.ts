import { LicenseStatus } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'licenses' })
export class LicenseEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'contract_id', type: 'text' })
  contractId: string;

  @Column({ type: 'text' })
  product: string;

  @Column({ type: 'text' })
  status: LicenseStatus;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true })
  suspendedAt: Date | null;
}
