import { Command, CommanderError } from 'commander';
import { ConsoleIo } from './cli/console-io';
import { OpsContext } from './cli/ops-context';
import { ExitCodes } from './cli/ops-error';
import { consoleCommand } from './console/console.command';
import { dlqCommand } from './dlq/dlq.command';
import { lagCommand } from './lag/lag.command';
import { outboxCommand } from './outbox/outbox.command';
import { replayCommand } from './replay/replay.command';
import { sagaCommand } from './saga/saga.command';

/** Runs the ops CLI with these arguments (without `node script`); resolves to the exit code. */
export async function runOps(
  args: string[],
  io: ConsoleIo,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const context = new OpsContext(io, env);
  const program = new Command('ops')
    .description(
      'Operate the reactivation saga: inspect sagas, dead letters, replays, lag and outboxes',
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(run with --help for usage)');
  for (const command of [
    sagaCommand(context),
    dlqCommand(context),
    replayCommand(context),
    lagCommand(context),
    outboxCommand(context),
    consoleCommand(context, env),
  ]) {
    program.addCommand(command);
  }
  for (const command of program.commands) sameBehaviour(command, io);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
        ? ExitCodes.Ok
        : ExitCodes.Usage;
    }
    throw error;
  }
  return context.exitCode;
}

/** Subcommands added whole do not inherit the program's settings: usage errors return, output goes to io. */
function sameBehaviour(command: Command, io: ConsoleIo): void {
  command
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError('(run with --help for usage)');
  for (const sub of command.commands) sameBehaviour(sub, io);
}
