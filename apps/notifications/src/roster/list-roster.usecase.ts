import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SupportCaseRepository } from './support-case.repository';

export interface RosterEntryView {
  contactId: string;
  name: string;
  email: string;
  region: string;
  openCases: number;
}

/** The support roster by region, with each contact's open cases. */
@Injectable()
export class ListRosterUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: SupportCaseRepository,
  ) {}

  async execute(): Promise<RosterEntryView[]> {
    const roster = await this.cases.roster(this.dataSource.manager);
    return roster.map((c) => ({
      contactId: c.contactId,
      name: c.name,
      email: c.email,
      region: c.region,
      openCases: c.openCases,
    }));
  }
}
