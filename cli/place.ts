import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type AwsClientOptions, awsClientOptions } from '#shared/aws/options.js';
import { assumedRoleCredentials } from '#shared/aws/place-clients.js';
import { configAt, type Place, type Reach, reachOf } from '#shared/config/places.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { RefusedError, UsageError } from './exit.js';

/** Where a command is asked to act: `--account` and `--region` as given. */
export interface PlaceOptions {
  account?: string;
  region?: string;
  endpoint?: string;
}

/**
 * Where a command acts and how: the place, the config as seen from there (its clusters and canaries) and the client
 * settings for it (the member stack's role in another account, the caller's own credentials in theirs). The state
 * table and the outbox stay where the central stack is: the caller's default region.
 */
export interface CliPlace {
  /** The account is unknown (never asked of STS) when the config lists no other account and none was named. */
  place: { account?: string; region: string };
  config: AutopilotConfig;
  role?: NonNullable<Reach['role']>;
  /** The settings of a client acting in the place: its region and, in a member account, the role's credentials. */
  clientOptions: ClientOptions;
}

type ClientOptions = AwsClientOptions & { endpoint?: string; credentials?: AwsCredentialIdentityProvider };

/** The settings of every AWS client of the CLI: the product's, with `--endpoint` when given. */
export function cliClientOptions(endpoint: string | undefined): ClientOptions {
  return { ...awsClientOptions(), ...(endpoint ? { endpoint } : {}) };
}

/** The account the caller's credentials belong to, and the region of their profile or environment. */
export async function callerPlace(base: ClientOptions): Promise<Place> {
  const sts = new STSClient(base);
  const [identity, region] = await Promise.all([sts.send(new GetCallerIdentityCommand({})), sts.config.region()]);
  if (!identity.Account) throw new Error('STS GetCallerIdentity named no account');
  return { account: identity.Account, region };
}

/** Who runs a command, as the member account's CloudTrail shows it in the role session name. */
export function cliSessionName(): string {
  return `ecs-autopilot-cli-${process.env.USER ?? process.env.USERNAME ?? 'unknown'}`;
}

/** The region of `account` a command acts in: `--region`, else its only one; refused when it is not the account's. */
function regionIn(config: AutopilotConfig, account: string, region: string | undefined, file: string): string {
  const listed = config.accounts.find((a) => a.id === account);
  if (!listed) {
    const ids = config.accounts.map((a) => a.id).join(', ') || 'none';
    throw new RefusedError(
      `account ${account} is not under accounts in ${file} (listed: ${ids}): the CLI acts only where the config does`,
    );
  }
  if (region !== undefined && !listed.regions.includes(region))
    throw new RefusedError(
      `region ${region} is not one of account ${account}'s regions in ${file} (${listed.regions.join(', ')})`,
    );
  const only = listed.regions.length === 1 ? listed.regions[0] : undefined;
  const chosen = region ?? only;
  if (chosen === undefined)
    throw new UsageError(
      `account ${account} has several regions (${listed.regions.join(', ')}): say which with --region`,
    );
  return chosen;
}

/**
 * Resolves `--account`/`--region` against the config: the caller's own account (no `--account`, or the caller's
 * own id) is acted in with the caller's credentials; any other account must be listed under `accounts` and is acted
 * in through its member stack's role, with its external id, as the central functions do.
 */
export async function resolvePlace(
  config: AutopilotConfig,
  options: PlaceOptions,
  file: string,
  base = cliClientOptions(options.endpoint),
): Promise<CliPlace> {
  // No STS call when nothing can be elsewhere: a config without accounts acts in the caller's account alone.
  if (options.account === undefined && config.accounts.length === 0) {
    const region = await new STSClient(base).config.region().catch(() => 'us-east-1');
    return { place: { region }, config, clientOptions: base };
  }
  const home = await callerPlace(base);
  if (options.account === undefined || options.account === home.account) {
    const place = { account: home.account, region: options.region ?? home.region };
    return { place, config: configAt(config, place, place), clientOptions: { ...base, region: place.region } };
  }
  const place = { account: options.account, region: regionIn(config, options.account, options.region, file) };
  const role = reachOf(config, place, home)?.role;
  if (!role) throw new RefusedError(`account ${place.account} in ${place.region} has no member role in ${file}`);
  const credentials = assumedRoleCredentials(role, cliSessionName(), base);
  return {
    place,
    config: configAt(config, place, home),
    role,
    clientOptions: { ...base, region: place.region, credentials },
  };
}
