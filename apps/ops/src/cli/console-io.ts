/** Where a command writes: results on stdout, progress and errors on stderr (swappable in tests). */
export interface ConsoleIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress redraws one line instead of printing many. */
  interactive: boolean;
}

export const processIo: ConsoleIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** Prints either the JSON of the result (for scripts) or its human rendering. */
export function printResult<T>(
  io: ConsoleIo,
  json: boolean,
  result: T,
  render: (result: T) => string,
): void {
  io.out(json ? JSON.stringify(result, null, 2) : render(result));
}
