import 'reflect-metadata';
import { processIo } from './cli/console-io';
import { runOps } from './ops.program';

// `npm run ops -- <command>`: see apps/ops/README.md.
runOps(process.argv.slice(2), processIo, process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
