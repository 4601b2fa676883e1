import { Command } from 'commander';
import { wholeNumber } from '../cli/arguments';
import { printResult } from '../cli/console-io';
import { OpsContext } from '../cli/ops-context';
import { ExitCodes, OpsError } from '../cli/ops-error';
import { Progress } from '../cli/progress';
import { parsePosition } from './replay-position';
import { renderRepublish, renderRewind } from './replay.printer';
import { RepublishRange } from './republish-range';
import { RewindGroup } from './rewind-group';

interface ReplayOptions {
  group?: string;
  topic: string;
  from: string;
  to?: string;
  partition?: number;
  republish?: boolean;
  json?: boolean;
}

/**
 * `replay`: a stopped group is moved back on a topic; with --republish the range is copied back
 * onto the topic for live consumers. Either way the idempotent handlers change nothing already done.
 */
export function replayCommand(context: OpsContext): Command {
  return new Command('replay')
    .description('re-deliver a topic range: move a stopped group back, or --republish the range')
    .requiredOption('--topic <topic>', 'logical topic, e.g. reactivation.billing.v1')
    .requiredOption('--from <offset|time>', 'first offset (in every partition) or ISO time')
    .option('--group <group>', 'the consumer group to move back (required unless --republish)')
    .option('--to <offset|time>', 'end, exclusive (--republish only; default: the end now)')
    .option('--partition <n>', 'only this partition', wholeNumber)
    .option('--republish', 'copy the range back onto the topic instead of moving a group')
    .option('--json', 'machine-readable output')
    .action(async (options: ReplayOptions) => {
      await context.run(Boolean(options.json), async () => {
        const from = parsePosition(options.from, '--from');
        const to = options.to === undefined ? undefined : parsePosition(options.to, '--to');
        if (options.republish) {
          const progress = new Progress(context.io, 'republishing');
          const result = await new RepublishRange(context.kafka()).execute(
            { topic: options.topic, from, ...(to ? { to } : {}), ...partitionOf(options) },
            (done, total) => progress.update(done, total),
          );
          progress.done();
          printResult(context.io, Boolean(options.json), result, renderRepublish);
          return;
        }
        if (!options.group) {
          throw new OpsError(
            '--group is required to move a group back',
            'give --group <group>, or use --republish',
            ExitCodes.Usage,
          );
        }
        if (to) {
          throw new OpsError(
            '--to applies to --republish only: a group moved back reads on to the end',
            'drop --to, or use --republish to re-deliver only [from, to)',
            ExitCodes.Usage,
          );
        }
        const result = await new RewindGroup(context.kafka()).execute({
          group: options.group,
          topic: options.topic,
          from,
          ...partitionOf(options),
        });
        printResult(context.io, Boolean(options.json), result, renderRewind);
      });
    });
}

function partitionOf(options: ReplayOptions): { partition?: number } {
  return options.partition === undefined ? {} : { partition: options.partition };
}
