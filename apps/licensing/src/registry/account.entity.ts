import { AccountStatus } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '@app/platform';

@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  region: string;

  @Column({ type: 'text' })
  status: AccountStatus;

  @Column({ name: 'outstanding_balance_minor', type: 'bigint', transformer: bigintToNumber })
  outstandingBalanceMinor: number;

  @Column({ name: 'outstanding_balance_currency', type: 'char', length: 3 })
  outstandingBalanceCurrency: string;

  /** Bumped on every change; the AccountSnapshot carries it so consumers keep the newest. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
