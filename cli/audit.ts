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
import { awsClientOptions } from '#shared/aws/options.js';
import { loadConfigFile } from '#shared/config/load.js';
import { EXIT, UsageError } from './exit.js';
import { type GlobalOptions, printResult } from './output.js';

interface AuditOptions {
  cluster: string[];
  service: string[];
  failOn: FindingSeverity | 'none';
  endpoint?: string;
  config: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The exit code of each way an audit ends: findings are what CI gates on; an incomplete read is a failure. */
const exitCodes = { findings: EXIT.findings, incomplete: EXIT.failure, clean: EXIT.ok } as const;

/** The SDK clients of one audit; region and profile come from the environment the global options set. */
function auditClients(endpoint: string | undefined): AuditClients {
  const settings = { ...awsClientOptions(), ...(endpoint && { endpoint }) };
  return {
    ecs: new ECSClient(settings),
    elbv2: new ElasticLoadBalancingV2Client(settings),
    ec2: new EC2Client(settings),
    acm: new ACMClient(settings),
    autoScaling: new ApplicationAutoScalingClient(settings),
  };
}

/** Observes and checks the scope asked for: read-only. */
export async function auditScope(options: AuditOptions): Promise<AuditSummary & { region: string }> {
  const clients = auditClients(options.endpoint);
  const config = existsSync(options.config) ? loadConfigFile(options.config) : undefined;
  const region = await clients.ecs.config.region();
  const read = await observeAudit({
    clients,
    region,
    now: new Date(),
    scope: { clusters: options.cluster, services: options.service },
    ...(config && { config }),
  });
  return {
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
      const summary = await auditScope(options);
      const verdict = auditVerdict(summary, options.failOn);
      printResult(globals, { ...summary, failOn: options.failOn, verdict }, () => renderAuditText(summary).trimEnd());
      process.exitCode = exitCodes[verdict];
    });
}
