import { AddOn } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeeSchedule } from './fee-schedule';
import { FeeScheduleEntity } from './fee-schedule.entity';

@Injectable()
export class FeeScheduleRepository {
  async findByRegion(manager: EntityManager, region: string): Promise<FeeSchedule | undefined> {
    const row = await manager.findOne(FeeScheduleEntity, { where: { region } });
    return row ? toFeeSchedule(row) : undefined;
  }

  async findAll(manager: EntityManager): Promise<FeeSchedule[]> {
    const rows = await manager.find(FeeScheduleEntity, { order: { region: 'ASC' } });
    return rows.map(toFeeSchedule);
  }
}

function toFeeSchedule(row: FeeScheduleEntity): FeeSchedule {
  const addOnPricesMinor: Partial<Record<AddOn, number>> = {};
  if (row.scheduledActivationFeeMinor !== null) {
    addOnPricesMinor.SCHEDULED_ACTIVATION = row.scheduledActivationFeeMinor;
  }
  if (row.renewalRemindersFeeMinor !== null) {
    addOnPricesMinor.RENEWAL_REMINDERS = row.renewalRemindersFeeMinor;
  }
  return {
    region: row.region,
    currency: row.currency,
    taxRateBps: row.taxRateBps,
    taxInclusive: row.taxInclusive,
    baseFeeMinor: row.baseFeeMinor,
    perLicenseFeeMinor: row.perLicenseFeeMinor,
    addOnPricesMinor,
  };
}
