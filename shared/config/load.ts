import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { AutopilotError } from '../errors.js';
import { describeIssues } from '../validation/issues.js';
import { type AutopilotConfig, AutopilotConfigSchema } from './schema.js';

/** A config file that cannot be read, parsed or validated; `problems` lists each bad field with its path. */
export class ConfigError extends AutopilotError {
  readonly problems: string[];

  constructor(source: string, problems: string[], options?: { cause?: unknown }) {
    super(`invalid ecs-autopilot config (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Validates an already parsed config value. */
export function parseConfig(value: unknown, source = 'inline'): AutopilotConfig {
  const result = AutopilotConfigSchema.safeParse(value);
  if (!result.success) throw new ConfigError(source, describeIssues(result.error.issues));
  return result.data;
}

/** Reads, parses (YAML or JSON) and validates a config file. */
export function loadConfigFile(path: string): AutopilotConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(path, [`cannot read the file: ${(cause as Error).message}`], { cause });
  }
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    throw new ConfigError(path, [`not valid YAML: ${(cause as Error).message}`], { cause });
  }
  return parseConfig(value, path);
}

/**
 * Operator overrides from the environment, applied over the file: `AUTOPILOT_DRY_RUN=true` turns every mutation off
 * without a new config (an emergency brake set on the function), `false` turns dry-run off for a replay.
 */
export function applyEnvOverrides(config: AutopilotConfig, env: NodeJS.ProcessEnv = process.env): AutopilotConfig {
  const dryRun = env.AUTOPILOT_DRY_RUN?.trim().toLowerCase();
  if (dryRun === undefined || dryRun === '') return config;
  if (dryRun !== 'true' && dryRun !== 'false') {
    throw new ConfigError('AUTOPILOT_DRY_RUN', [`expected "true" or "false", got "${env.AUTOPILOT_DRY_RUN}"`]);
  }
  return { ...config, dryRun: dryRun === 'true' };
}
