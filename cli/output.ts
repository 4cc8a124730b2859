/** Options every command takes, declared on the root. */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  account?: string;
  region?: string;
  profile?: string;
}

/** A command's result on stdout: JSON with --json, the human account otherwise. Logs go to stderr. */
export function printResult(globals: GlobalOptions, value: unknown, human: () => string): void {
  process.stdout.write(globals.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
