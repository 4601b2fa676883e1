import { ConsumerGroups } from '@app/contracts';
import { Command } from 'commander';
import { userInfo } from 'node:os';
import { collect } from '../cli/arguments';
import { printResult } from '../cli/console-io';
import { OpsContext } from '../cli/ops-context';
import { Progress } from '../cli/progress';
import { parseFilters } from './dead-letter';
import { DeadLetterReader } from './dead-letter.reader';
import {
  displayValue,
  renderDeadLetter,
  renderDeadLetterList,
  renderRedrive,
  textHeaders,
} from './dlq.printer';
import { RedriveDeadLetters } from './redrive-dead-letters';

/** `dlq list | show | redrive`: inspect dead letters and send them back to their topic. */
export function dlqCommand(context: OpsContext): Command {
  const dlq = new Command('dlq').description(
    'dead letters of the consumer groups: inspect and redrive',
  );

  dlq
    .command('list')
    .description('dead letters with their reason, origin and whether they were redriven')
    .option('--group <group>', 'one consumer group (default: every service group)')
    .option('--json', 'machine-readable output')
    .action(async (options: { group?: string; json?: boolean }) => {
      await context.run(Boolean(options.json), async () => {
        const progress = new Progress(context.io, 'reading dead letters');
        const found = await new DeadLetterReader(context.kafka()).list(
          groupsOf(options.group),
          (read, total) => progress.update(read, total),
        );
        progress.done();
        printResult(
          context.io,
          Boolean(options.json),
          found.map((f) => f.letter),
          renderDeadLetterList,
        );
      });
    });

  dlq
    .command('show')
    .description('one dead letter: reason, origin, headers and value')
    .argument('<id>', 'dead-letter id <group>:<partition>:<offset>')
    .option('--json', 'machine-readable output')
    .action(async (id: string, options: { json?: boolean }) => {
      await context.run(Boolean(options.json), async () => {
        const { letter, record } = await new DeadLetterReader(context.kafka()).get(id);
        printResult(
          context.io,
          Boolean(options.json),
          { letter, headers: textHeaders(record.headers), value: displayValue(record.value) },
          renderDeadLetter,
        );
      });
    });

  dlq
    .command('redrive')
    .description(
      'send dead letters back to their original topic (key, value and headers kept), each once',
    )
    .option('--group <group>', 'one consumer group (default: every service group)')
    .option(
      '--filter <key=value>',
      'id=<dead-letter id> | code=<error code> | type=<event type> | topic=<origin topic> (repeatable)',
      collect,
      [],
    )
    .option('--dry-run', 'show what would be redriven, send nothing')
    .option('--json', 'machine-readable output')
    .action(
      async (options: { group?: string; filter: string[]; dryRun?: boolean; json?: boolean }) => {
        await context.run(Boolean(options.json), async () => {
          const filter = parseFilters(options.filter);
          const progress = new Progress(context.io, 'redriving');
          const result = await new RedriveDeadLetters(context.kafka()).execute(
            {
              groups: groupsOf(options.group),
              filter,
              dryRun: Boolean(options.dryRun),
              by: `cli:${userInfo().username}`,
            },
            context.now,
            (done, total) => progress.update(done, total, 'dead letters'),
          );
          progress.done();
          printResult(context.io, Boolean(options.json), result, renderRedrive);
        });
      },
    );

  return dlq;
}

export function groupsOf(group: string | undefined): string[] {
  return group ? [group] : Object.values(ConsumerGroups);
}
