import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describeIssues } from '../validation/issues.js';
import { ConfigError } from './errors.js';
import { type AutopilotConfig, AutopilotConfigSchema } from './schema.js';

export { ConfigError } from './errors.js';
export { applyEnvOverrides } from './overrides.js';

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
