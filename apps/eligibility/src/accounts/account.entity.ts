import { AccountStatus } from '@app/contracts';
import { bigintToNumber } from '@app/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AccountContract, AccountHold, AccountLicense } from './account.model';

/** The local copy of one account, from the newest AccountSnapshot seen (by `version`). */
@Entity({ name: 'accounts' })
export class AccountEntity {
  @PrimaryColumn({ name: 'account_id', type: 'text' }) accountId: string;
  @Column({ type: 'integer' }) version: number;
  @Column({ type: 'text' }) region: string;
  @Column({ type: 'text' }) status: AccountStatus;
  @Column({ name: 'outstanding_balance_minor', type: 'bigint', transformer: bigintToNumber })
  outstandingBalanceMinor: number;
  @Column({ name: 'outstanding_balance_currency', type: 'text' })
  outstandingBalanceCurrency: string;
  @Column({ type: 'jsonb' }) holds: AccountHold[];
  @Column({ type: 'jsonb' }) contracts: AccountContract[];
  @Column({ type: 'jsonb' }) licenses: AccountLicense[];
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
