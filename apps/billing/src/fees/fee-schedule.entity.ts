import { Column, Entity, PrimaryColumn } from 'typeorm';
import { basisPoints, minorUnits } from '../money/money.columns';

@Entity({ name: 'fee_schedules' })
export class FeeScheduleEntity {
  @PrimaryColumn({ type: 'text' })
  region!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({
    name: 'tax_rate_bps',
    type: 'numeric',
    precision: 7,
    scale: 2,
    transformer: basisPoints,
  })
  taxRateBps!: number;

  @Column({ name: 'tax_inclusive', type: 'boolean' })
  taxInclusive!: boolean;

  @Column({ name: 'base_fee_minor', type: 'bigint', transformer: minorUnits })
  baseFeeMinor!: number;

  @Column({ name: 'per_license_fee_minor', type: 'bigint', transformer: minorUnits })
  perLicenseFeeMinor!: number;

  @Column({
    name: 'scheduled_activation_fee_minor',
    type: 'bigint',
    nullable: true,
    transformer: minorUnits,
  })
  scheduledActivationFeeMinor!: number | null;

  @Column({
    name: 'renewal_reminders_fee_minor',
    type: 'bigint',
    nullable: true,
    transformer: minorUnits,
  })
  renewalRemindersFeeMinor!: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
