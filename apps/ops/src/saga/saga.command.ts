import { Command } from 'commander';
import { ID_PATTERN } from '@app/contracts';
import { wholeNumber } from '../cli/arguments';
import { printResult } from '../cli/console-io';
import { OpsContext } from '../cli/ops-context';
import { ExitCodes, OpsError } from '../cli/ops-error';
import { Progress } from '../cli/progress';
import { InspectSaga } from './inspect-saga';
import { renderSaga } from './saga.printer';

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
        const report = await new InspectSaga(context.kafka(), context.services()).execute(
          orderId,
          { now: context.now(), stuckAfterMs: options.stuckAfter * 1000 },
          (read, total) => progress.update(read, total),
        );
        progress.done(
          `${report.scannedRecords} records read, ${report.events.length} of this saga`,
        );
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
