import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A saga reported stalled at a stage: once per (order, stage). */
@Entity({ name: 'reactivation_stalls' })
export class ReactivationStallEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @PrimaryColumn({ type: 'text' })
  stage: string;

  @Column({ type: 'timestamptz' })
  since: Date;

  @Column({ type: 'timestamptz' })
  deadline: Date;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt: Date;
}
