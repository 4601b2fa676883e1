import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One event of an order's saga, recorded once (unique per order and event id). */
@Entity({ name: 'timeline_stages' })
export class TimelineStageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ type: 'text' })
  stage: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;
}
