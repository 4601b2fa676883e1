import { Command } from 'commander';
import { ID_PATTERN } from '@app/contracts';
import { wholeNumber } from '../cli/arguments';
import { printResult } from '../cli/console-io';
import { OpsContext } from '../cli/ops-context';
import { ExitCodes, OpsError } from '../cli/ops-error';
import { Progress } from '../cli/progress';
import { SagaEventsReader } from './saga-events.reader';
import { renderSaga, SagaReport } from './saga.printer';
import { storyOf, verdictOf } from './saga-story';
import { ServiceStateReader, stateSourcesOf } from './service-state.reader';

/** `saga <orderId>`: the whole story of one order, its state in every service, and a verdict. */
export function sagaCommand(context: OpsContext): Command {
  return new Command('saga')
    .description(
      'every event of one saga, the state in each service, and whether it is stuck and where',
    )
    .argument('<orderId>', 'the order (the saga correlation id)')
    .option(
      '--stuck-after <seconds>',
      'how long a stage may wait before the saga is called stuck',
      wholeNumber,
      300,
    )
    .option('--json', 'machine-readable output')
    .action(async (orderId: string, options: { stuckAfter: number; json?: boolean }) => {
      await context.run(Boolean(options.json), async () => {
        if (!ID_PATTERN.test(orderId)) {
          throw new OpsError(
            `"${orderId}" is not an order id`,
            'give the orderId ([A-Za-z0-9_-]{1,64})',
            ExitCodes.Usage,
          );
        }
        const progress = new Progress(context.io, 'scanning topics');
        const records = await new SagaEventsReader(context.kafka()).read(orderId, (read, total) =>
          progress.update(read, total),
        );
        progress.done(`${records.scanned} records read, ${records.events.length} of this saga`);
        const services = await new ServiceStateReader(stateSourcesOf(context.config())).read(
          orderId,
        );
        const report: SagaReport = {
          orderId,
          events: storyOf(records.events),
          deadLetters: records.deadLetters,
          services,
          verdict: verdictOf(
            records.events,
            records.deadLetters,
            context.now(),
            options.stuckAfter * 1000,
          ),
          scannedRecords: records.scanned,
        };
        printResult(context.io, Boolean(options.json), report, renderSaga);
        if (report.verdict.state === 'NOT_FOUND') {
          context.io.err(
            `  → check the orderId and KAFKA_TOPIC_PREFIX ("${context.config().KAFKA_TOPIC_PREFIX}")\n`,
          );
          return ExitCodes.Failure;
        }
        return report.verdict.state === 'STUCK' ? ExitCodes.Stuck : ExitCodes.Ok;
      });
    });
}
