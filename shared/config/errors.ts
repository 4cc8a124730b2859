import { AutopilotError } from '../errors.js';

/** A config file that cannot be read, parsed or validated; `problems` lists each bad field with its path. */
export class ConfigError extends AutopilotError {
  readonly problems: string[];

  constructor(source: string, problems: string[], options?: { cause?: unknown }) {
    super(`invalid ecs-autopilot config (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
