import { stringify } from 'yaml';

/** A rule of the config's `alarms:` list, as the tests write it. */
export type AlarmRuleSpec = { alarmName: string; reaction: string } & Record<string, unknown>;

/** The unhealthy-hosts rule most alarm tests start from: one target per episode, one healthy target kept. */
export const UNHEALTHY_HOSTS: AlarmRuleSpec = {
  alarmName: '-unhealthy-hosts$',
  reaction: 'deregister-unhealthy',
  minHealthy: 1,
  maxTargetsPerRun: 1,
};

/** The CPU rule most alarm tests start from: two tasks out, then five minutes of cooldown. */
export const CPU_HIGH: AlarmRuleSpec = {
  alarmName: '-cpu-high$',
  reaction: 'scale-out',
  step: 2,
  cooldownSeconds: 300,
};

/** Services of a cluster by name, each with its settings (`scaling`, …); `{}` for the defaults. */
export type ServiceSpecs = Record<string, Record<string, unknown>>;

/**
 * The config file of an alarm test: its rules over the cluster `prod` and the services given (by default `web`,
 * scaled between 1 and 10 tasks), or over the clusters given, in order.
 */
export function alarmConfig(
  rules: readonly AlarmRuleSpec[],
  services: ServiceSpecs = { web: { scaling: { minCount: 1, maxCount: 10 } } },
  clusters: Record<string, ServiceSpecs> = { prod: services },
): string {
  return stringify({
    version: 1,
    alarms: rules,
    clusters: Object.entries(clusters).map(([name, specs]) => ({
      name,
      services: Object.entries(specs).map(([service, settings]) => ({ name: service, ...settings })),
    })),
  });
}
