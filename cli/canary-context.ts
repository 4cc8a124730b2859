import { userInfo } from 'node:os';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { CanaryCommandError } from '#shared/canary/commands.js';
import type { CanaryConfig } from '#shared/config/canary.js';
import { loadConfigFile } from '#shared/config/load.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import { StateStore } from '#shared/state/index.js';
import { type CliPlace, cliClientOptions, resolvePlace } from './place.js';

/** Options every canary command takes. */
export interface CanaryCliOptions {
  config: string;
  endpoint?: string;
  /** The account and region the canaries live in (default: the caller's own). */
  account?: string;
  region?: string;
  table?: string;
  json?: boolean;
}

/** The default name of the state table: the deployed stack's for stage dev. */
export const DEFAULT_TABLE = 'ecs-autopilot-dev-state';

/**
 * What a canary command works with: the config, AWS clients (real AWS or AWS_ENDPOINT_URL) and the state store. The
 * clients act `at` a place (another account's through its member role); the state table is the caller's own.
 */
export function canaryContext(options: CanaryCliOptions, at?: CliPlace) {
  let config: AutopilotConfig | undefined = at?.config;
  const home = cliClientOptions(options.endpoint ?? process.env.AWS_ENDPOINT_URL);
  const settings = at?.clientOptions ?? home;
  const dynamodb = new DynamoDBClient(home);
  const tableName = options.table ?? process.env.STATE_TABLE_NAME ?? DEFAULT_TABLE;
  let by: Promise<string> | undefined;
  return {
    /** Who runs the command, for the canary's history (asked once). */
    operator: (): Promise<string> => {
      by ??= operatorOf(home);
      return by;
    },
    /** Read on first use: `state-table create` needs none. */
    get config(): AutopilotConfig {
      config ??= loadConfigFile(options.config);
      return config;
    },
    tableName,
    region: at?.place.region ?? settings.region ?? 'us-east-1',
    /** The account acted in, when it was looked up (`--account`, or a config listing accounts). */
    account: at?.place.account,
    clients: {
      ecs: new ECSClient(settings),
      elbv2: new ElasticLoadBalancingV2Client(settings),
      cloudwatch: new CloudWatchClient(settings),
      autoScaling: new ApplicationAutoScalingClient(settings),
    },
    dynamodb,
    store: new StateStore({ client: dynamodb, tableName }),
  };
}

/** The context of a command that acts on canaries: `--account`/`--region` resolved against the config first. */
export async function canaryContextAt(options: CanaryCliOptions): Promise<CanaryContext> {
  const config = loadConfigFile(options.config);
  const at = await resolvePlace(
    config,
    { ...options, endpoint: options.endpoint ?? process.env.AWS_ENDPOINT_URL },
    options.config,
  );
  return canaryContext(options, at);
}

export type CanaryContext = ReturnType<typeof canaryContext>;

/** The configured canary of that name, or a clear error listing the configured ones. */
export function canaryNamed(config: AutopilotConfig, name: string): CanaryConfig {
  const found = config.canaries.find((c) => c.name === name);
  if (!found) {
    const names = config.canaries.map((c) => c.name).join(', ') || 'none';
    throw new CanaryCommandError(`no canary named "${name}" in the config (configured: ${names})`);
  }
  return found;
}

/** A task definition ARN from an ARN or `family:revision` (or a family, for its latest ACTIVE revision). */
export async function resolveTaskDefinition(ecs: ECSClient, value: string): Promise<string> {
  if (value.startsWith('arn:')) return value;
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: value }));
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new CanaryCommandError(`task definition ${value} not found`);
  return arn;
}

/**
 * Who runs a command, for the canary's history: the caller's identity as STS names it (at the configured endpoint,
 * with the caller's credentials), or the operating-system user when it cannot be read.
 */
export async function operatorOf(settings: STSClientConfig): Promise<string> {
  try {
    const { Arn } = await new STSClient(settings).send(new GetCallerIdentityCommand({}));
    if (Arn) return `cli:${Arn}`;
  } catch {
    // No credentials, no region or no STS where the command points: the user of this machine says who it was.
  }
  return `cli:${osUser()}`;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
