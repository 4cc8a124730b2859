import { existsSync } from 'node:fs';
import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Command, Option } from 'commander';
import { runChecks } from '#shared/audit/checks/index.js';
import { type AuditClients, observeAudit } from '#shared/audit/observe.js';
import { type AuditSummary, auditVerdict, renderAuditText } from '#shared/audit/report.js';
import { type FindingSeverity, SEVERITIES } from '#shared/audit/types.js';
import { loadConfigFile } from '#shared/config/load.js';
import { EXIT, RefusedError, UsageError } from './exit.js';
import { type GlobalOptions, printResult } from './output.js';
import { type CliPlace, cliClientOptions, resolvePlace } from './place.js';

interface AuditOptions {
  cluster: string[];
  service: string[];
  failOn: FindingSeverity | 'none';
  endpoint?: string;
  config: string;
  account?: string;
  region?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The exit code of each way an audit ends: findings are what CI gates on; an incomplete read is a failure. */
const exitCodes = { findings: EXIT.findings, incomplete: EXIT.failure, clean: EXIT.ok } as const;

/** The SDK clients of one audit, acting in its place (another account's through its member role). */
function auditClients(settings: CliPlace['clientOptions']): AuditClients {
  return {
    ecs: new ECSClient(settings),
    elbv2: new ElasticLoadBalancingV2Client(settings),
    ec2: new EC2Client(settings),
    acm: new ACMClient(settings),
    autoScaling: new ApplicationAutoScalingClient(settings),
  };
}

/** Where an audit acts: `--account` needs the config that lists the account; without it, the config is optional. */
async function auditPlace(options: AuditOptions): Promise<CliPlace | undefined> {
  if (existsSync(options.config))
    return resolvePlace(loadConfigFile(options.config), options, options.config, cliClientOptions(options.endpoint));
  if (options.account !== undefined)
    throw new RefusedError(`--account ${options.account}: no config file ${options.config} to find its member role in`);
  return undefined;
}

/** Observes and checks the scope asked for: read-only. */
export async function auditScope(options: AuditOptions): Promise<AuditSummary & { region: string; account?: string }> {
  const at = await auditPlace(options);
  const clients = auditClients(at?.clientOptions ?? cliClientOptions(options.endpoint));
  const region = await clients.ecs.config.region();
  const read = await observeAudit({
    clients,
    region,
    now: new Date(),
    scope: { clusters: options.cluster, services: options.service },
    ...(at && { config: at.config }),
  });
  return {
    ...(at?.place.account ? { account: at.place.account } : {}),
    region,
    services: read.observation.services.length,
    findings: runChecks(read.observation),
    notAudited: read.notAudited,
  };
}

/** `audit`: the misconfigurations of ECS services behind load balancers, read-only, with an exit code for CI. */
export function addAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      'Audit ECS services and their load balancers for the misconfigurations that cause outages. Read-only: nothing is changed.',
    )
    .option('--cluster <name>', 'a cluster to audit (repeatable; default: every cluster of the region)', collect, [])
    .option('--service <name>', 'a service of the one --cluster to audit (repeatable; default: all)', collect, [])
    .addOption(
      new Option('--fail-on <severity>', 'exit 4 when a finding is at or above this severity')
        .choices([...SEVERITIES, 'none'])
        .default('warning'),
    )
    .addOption(new Option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server').env('AWS_ENDPOINT_URL'))
    .option(
      '-c, --config <file>',
      'config file, read when present: which services ecs-autopilot scales',
      'ecs-autopilot.yml',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 no finding at or above --fail-on, 4 findings at or above it, 1 part of the scope could not be read (or AWS failed), 2 usage error.',
    )
    .action(async (options: AuditOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.service.length > 0 && options.cluster.length !== 1) {
        throw new UsageError('--service needs exactly one --cluster');
      }
      const summary = await auditScope({ ...options, account: globals.account, region: globals.region });
      const verdict = auditVerdict(summary, options.failOn);
      printResult(globals, { ...summary, failOn: options.failOn, verdict }, () => renderAuditText(summary).trimEnd());
      process.exitCode = exitCodes[verdict];
    });
}
