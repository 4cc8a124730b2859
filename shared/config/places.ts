/** Where the deployment acts: its own account and region, and the accounts and regions the config lists. Pure. */
import type { AccountConfig } from './accounts.js';
import type { AutopilotConfig } from './schema.js';

/** One account in one region. */
export interface Place {
  account: string;
  region: string;
}

/**
 * A place and how to act in it: `role` undefined for the deployment's own account and region (the function's own
 * credentials), else the member stack's execution role there.
 */
export interface Reach extends Place {
  role?: { arn: string; externalId?: string };
}

/** A cluster's or a canary's own statement of where it lives; nothing said means the deployment's home. */
export interface Located {
  account?: string;
  region?: string;
}

export const placeKey = (place: Place): string => `${place.account}/${place.region}`;
export const samePlace = (a: Place, b: Place): boolean => a.account === b.account && a.region === b.region;

/** The state-table partition of a subject (a cluster, a service) of `place`: same names elsewhere are others. Pure. */
export function partitionAt(pk: string, place: Place, home: Place): string {
  // Home keeps today's unprefixed keys: cooldowns, counts and sweeps in flight at an upgrade stay valid.
  return samePlace(place, home) ? pk : `${placeKey(place)}#${pk}`;
}

/** The execution role a member stack creates in an account, by name (IAM roles are global to their account). */
export function memberRoleArn(account: Pick<AccountConfig, 'id' | 'roleName'>, partition = 'aws'): string {
  return `arn:${partition}:iam::${account.id}:role/${account.roleName}`;
}

/** Where an entry lives: home unless it names an account, then the region it names or its account's only one. */
export function placeOf(entry: Located, config: Pick<AutopilotConfig, 'accounts'>, home: Place): Place {
  if (entry.account === undefined) return home;
  const account = config.accounts.find((a) => a.id === entry.account);
  return { account: entry.account, region: entry.region ?? account?.regions[0] ?? home.region };
}

/** The place an entry's config states (its account, and the region it names or its account's only one), if any. */
export function statedPlace(entry: Located, config: Pick<AutopilotConfig, 'accounts'>): Place | undefined {
  if (entry.account === undefined) return undefined;
  return placeOf(entry, config, { account: entry.account, region: entry.region ?? '' });
}

/**
 * Every place the deployment acts in, home first, each once. Home uses the function's own credentials; every other
 * place, the central account's other regions included, goes through its member stack's role: the function roles'
 * grants are scoped to their own region, the member role holds the grants of its account.
 */
export function configuredPlaces(config: Pick<AutopilotConfig, 'accounts'>, home: Place): Reach[] {
  const places: Reach[] = [{ ...home }];
  for (const account of config.accounts) {
    for (const region of account.regions) {
      if (places.some((p) => samePlace(p, { account: account.id, region }))) continue;
      const role = { arn: memberRoleArn(account), ...(account.externalId ? { externalId: account.externalId } : {}) };
      places.push({ account: account.id, region, role });
    }
  }
  return places;
}

/** How to act in a place, or undefined when the config does not list it: its events are not ours. */
export function reachOf(config: Pick<AutopilotConfig, 'accounts'>, place: Place, home: Place): Reach | undefined {
  return configuredPlaces(config, home).find((p) => samePlace(p, place));
}

/**
 * The config as seen from one place: only the clusters and canaries that live there. Every lookup by cluster name
 * then finds the right one, although the same name may be used in several accounts.
 */
export function configAt<C extends Pick<AutopilotConfig, 'accounts' | 'clusters' | 'canaries'>>(
  config: C,
  place: Place,
  home: Place,
): C {
  const here = (entry: Located) => samePlace(placeOf(entry, config, home), place);
  return { ...config, clusters: config.clusters.filter(here), canaries: config.canaries.filter(here) };
}

/** Why a place is not acted in, for logs and the ignored-event metric, or undefined when it is configured. */
export function unconfiguredPlace(config: Pick<AutopilotConfig, 'accounts'>, place: Place, home: Place) {
  if (reachOf(config, place, home)) return undefined;
  const listed = configuredPlaces(config, home).map(placeKey).join(', ');
  return `the event's account ${place.account} in ${place.region} is not ours (the config acts in ${listed}): another deployment acts on it`;
}
