import { HoldCategory } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type HoldState = 'ACTIVE' | 'CLEARED';

@Entity({ name: 'holds' })
export class HoldEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  category: HoldCategory;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text' })
  state: HoldState;

  @Column({ name: 'incident_resolved', type: 'boolean', nullable: true })
  incidentResolved: boolean | null;

  @Column({ name: 'required_documents', type: 'jsonb', nullable: true })
  requiredDocuments: string[] | null;

  @Column({ name: 'cleared_at', type: 'timestamptz', nullable: true })
  clearedAt: Date | null;

  /** The reactivation (order) that cleared it. */
  @Column({ name: 'cleared_by_order_id', type: 'text', nullable: true })
  clearedByOrderId: string | null;
}
