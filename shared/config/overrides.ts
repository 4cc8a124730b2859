import { ConfigError } from './errors.js';
import type { AutopilotConfig } from './schema.js';

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
