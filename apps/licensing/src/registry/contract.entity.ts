import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ContractTerms } from '../fingerprint/contract-terms.fingerprint';

@Entity({ name: 'contracts' })
export class ContractEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'renewal_terms', type: 'text' })
  renewalTerms: string;

  /** The canonical baseline terms as imported: what the fingerprint was computed from. */
  @Column({ name: 'baseline_terms', type: 'jsonb' })
  baselineTerms: ContractTerms;

  @Column({ name: 'terms_fingerprint', type: 'char', length: 64 })
  termsFingerprint: string;
}
