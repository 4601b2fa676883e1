import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An order's status page links issued up to `revokedAt` are refused (a link was forwarded, leaked). */
@Entity({ name: 'status_page_revocations' })
export class StatusPageRevocationEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'revoked_at', type: 'timestamptz' })
  revokedAt: Date;
}
