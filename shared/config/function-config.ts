import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { loadConfigFile } from './load.js';
import type { AutopilotConfig } from './schema.js';

/**
 * The config a function runs with: the file AUTOPILOT_CONFIG_FILE names (default `ecs-autopilot.yml`), validated.
 * Packaging replaces this module with that file already parsed and validated (`deploy/esbuild-plugins.mjs`), so a
 * packaged function carries neither the YAML parser nor the config schema.
 */
export function functionConfigSource(): AutopilotConfig {
  return loadConfigFile(getStringFromEnv({ key: 'AUTOPILOT_CONFIG_FILE', defaultValue: 'ecs-autopilot.yml' }));
}
