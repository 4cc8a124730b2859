import { CommanderError } from 'commander';

/** The CLI's exit codes, documented in the README ("Command line"). */
export const EXIT = {
  /** Done: the command did what it was asked (a replay ran its reaction, a config is valid). */
  ok: 0,
  /** Failure: something broke on the way (AWS, the network, an unreadable file, a bug). */
  failure: 1,
  /** Usage error: an unknown command or option, a missing or bad argument. */
  usage: 2,
  /** Refusal: the input was read and refused (an invalid config, an event not acted on, a malformed event). */
  refused: 3,
  /** Findings: the audit found misconfigurations at or above `--fail-on` (what CI gates on). */
  findings: 4,
} as const;

/** A command line that cannot be run as given. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Input that was read and refused: the message says why. */
export class RefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RefusedError';
  }
}

/** The exit code for an error: commander's own (help, version: 0; parse errors: usage), ours, or a failure. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof RefusedError) return EXIT.refused;
  const name = (error as Error | undefined)?.name;
  if (name === 'ConfigError' || name === 'InvalidEventError') return EXIT.refused;
  return EXIT.failure;
}

/** One line on stderr saying what went wrong; the stack and causes only with --debug. */
export function reportError(error: unknown, debug: boolean): void {
  if (error instanceof CommanderError) return; // commander has already written its message
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (!debug) return;
  for (let e: unknown = error; e instanceof Error; e = e.cause) process.stderr.write(`${e.stack ?? e.message}\n`);
}
