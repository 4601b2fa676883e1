import { ConsumerGroups } from '@app/contracts';
import { Command } from 'commander';
import { printResult } from '../cli/console-io';
import { OpsContext } from '../cli/ops-context';
import { renderLag } from './lag.printer';
import { MeasureLag } from './measure-lag';

/** `lag`: how far behind each consumer group is, per partition, in records and in seconds. */
export function lagCommand(context: OpsContext): Command {
  return new Command('lag')
    .description(
      'per group and partition: committed offset, high watermark, lag in records and seconds',
    )
    .option('--group <group>', 'one consumer group (default: every service group)')
    .option('--json', 'machine-readable output')
    .action(async (options: { group?: string; json?: boolean }) => {
      await context.run(Boolean(options.json), async () => {
        const groups = options.group ? [options.group] : Object.values(ConsumerGroups);
        const result = await new MeasureLag(context.kafka()).execute(groups, context.now());
        printResult(context.io, Boolean(options.json), result, renderLag);
      });
    });
}
