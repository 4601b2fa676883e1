import { DynamicModule, Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module';
import { ACTIVATION_SWEEP_MS, ActivationScheduler } from './activation.scheduler';
import { EligibilityVerifiedHandler } from './eligibility-verified.handler';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { FailScheduledActivationUsecase } from './fail-scheduled-activation.usecase';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { ReactivationsController } from './reactivations.controller';
import { ReinstateLicensesUsecase } from './reinstate-licenses.usecase';
import { RunScheduledActivationUsecase } from './run-scheduled-activation.usecase';
import { StartReactivationUsecase } from './start-reactivation.usecase';

/** Reactivation cases: from EligibilityVerified to the licenses reinstated (or the case failed). */
@Module({})
export class ReactivationsModule {
  static register(options: { sweepIntervalMs: number }): DynamicModule {
    return {
      module: ReactivationsModule,
      imports: [RegistryModule],
      controllers: [EligibilityVerifiedHandler, ReactivationsController],
      providers: [
        { provide: ACTIVATION_SWEEP_MS, useValue: options.sweepIntervalMs },
        ReactivationCaseRepository,
        StartReactivationUsecase,
        ReinstateLicensesUsecase,
        RunScheduledActivationUsecase,
        FailScheduledActivationUsecase,
        GetReactivationUsecase,
        ActivationScheduler,
      ],
    };
  }
}
