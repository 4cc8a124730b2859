import { ConfigError, parseConfig } from '#shared/config/load.js';

/** The problems parseConfig reports for a config it rejects; a config it accepts fails the test. */
export function problemsOf(value: unknown): string[] {
  try {
    parseConfig(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}
