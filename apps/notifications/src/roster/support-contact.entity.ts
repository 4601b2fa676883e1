import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named person of the support team, serving one region. */
@Entity({ name: 'support_contacts' })
export class SupportContactEntity {
  @PrimaryColumn({ name: 'contact_id', type: 'text' })
  contactId: string;

  @Column({ type: 'text' })
  region: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  email: string;
}
