import { Column, Entity, PrimaryColumn } from 'typeorm';
import { basisPoints, minorUnits } from '../money/money.columns';
import { PriceLine } from './quote-pricing';

/** A locked, immutable price for one reactivation (never updated once written). */
@Entity({ name: 'quotes' })
export class QuoteEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ type: 'text' })
  region!: string;

  @Column({ name: 'license_ids', type: 'text', array: true })
  licenseIds!: string[];

  @Column({ name: 'add_ons', type: 'text', array: true })
  addOns!: string[];

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'tax_inclusive', type: 'boolean' })
  taxInclusive!: boolean;

  @Column({
    name: 'tax_rate_bps',
    type: 'numeric',
    precision: 7,
    scale: 2,
    transformer: basisPoints,
  })
  taxRateBps!: number;

  @Column({ type: 'jsonb' })
  lines!: PriceLine[];

  @Column({ name: 'subtotal_minor', type: 'bigint', transformer: minorUnits })
  subtotalMinor!: number;

  @Column({ name: 'tax_minor', type: 'bigint', transformer: minorUnits })
  taxMinor!: number;

  @Column({ name: 'total_minor', type: 'bigint', transformer: minorUnits })
  totalMinor!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
