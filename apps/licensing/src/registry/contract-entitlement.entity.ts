import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An entitlement a contract grants: what reinstating one of its licenses restores. */
@Entity({ name: 'contract_entitlements' })
export class ContractEntitlementEntity {
  @PrimaryColumn({ name: 'contract_id', type: 'text' })
  contractId: string;

  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;
}
