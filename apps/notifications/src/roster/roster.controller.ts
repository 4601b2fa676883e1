import { Roles } from '@app/platform';
import { Controller, Get } from '@nestjs/common';
import { ListRosterUsecase, RosterEntryView } from './list-roster.usecase';

@Controller('roster')
export class RosterController {
  constructor(private readonly listRoster: ListRosterUsecase) {}

  @Get()
  @Roles('support')
  async list(): Promise<{ contacts: RosterEntryView[] }> {
    return { contacts: await this.listRoster.execute() };
  }
}
