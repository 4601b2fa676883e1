import { Command } from 'commander';
import { printResult } from '../cli/console-io';
import { OpsContext } from '../cli/ops-context';
import { ExitCodes, OpsError } from '../cli/ops-error';
import { renderOutbox } from './outbox.printer';
import { ServiceName, ServiceNames } from '../services/service-api';
import { OutboxStateReader } from './outbox-state.reader';

/**
 * `outbox`: per service, the rows waiting for its relay and the rows it parked (the broker can
 * never take them: above its size limit, or refused as invalid), through each service's
 * `GET /ops/outbox` with OPS_API_TOKEN. Read-only; no payload shown.
 */
export function outboxCommand(context: OpsContext): Command {
  return new Command('outbox')
    .description('per service: outbox rows waiting for the relay, and rows parked as unpublishable')
    .option('--service <service>', 'one service (billing, eligibility, licensing, notifications)')
    .option('--json', 'machine-readable output')
    .action(async (options: { service?: string; json?: boolean }) => {
      await context.run(Boolean(options.json), async () => {
        const services: ServiceName[] = options.service
          ? ServiceNames.filter((name) => name === options.service)
          : [...ServiceNames];
        if (services.length === 0) {
          throw new OpsError(
            `unknown service ${options.service}`,
            `use one of ${ServiceNames.join(', ')}`,
            ExitCodes.Usage,
          );
        }
        const states = await new OutboxStateReader(context.services()).read(services);
        printResult(context.io, Boolean(options.json), states, renderOutbox);
        return states.some((state) => state.parked.length > 0) ? ExitCodes.Parked : ExitCodes.Ok;
      });
    });
}
