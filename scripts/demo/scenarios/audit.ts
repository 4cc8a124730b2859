import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MotoProxy } from '#local/moto-proxy.js';
import { writeConfig } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { OUTBOX_QUEUE, REGION, STATE_TABLE } from '#local/world-clients.js';
import { runChecks } from '#shared/audit/checks/index.js';
import { observeAudit } from '#shared/audit/observe.js';
import { renderAuditText } from '#shared/audit/report.js';
import { lambdaContext } from '../../../cli/replay.js';
import { bold, dim, INDENT, out, say } from '../print.js';

/** Every service of the demo's last world is managed; the audit function audits the clusters listed here. */
const CONFIG = 'version: 1\nclusters:\n  - name: prod\n    services:\n      - name: "*"\n';

/** The alerts the audit function queued, taken off the outbox: severity and title (the text is the audit's above). */
async function takeOutbox(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  const lines: string[] = [];
  for (const message of got.Messages ?? []) {
    const alert = JSON.parse(message.Body ?? '{}') as { title: string; severity: string };
    lines.push(`alert queued: [${alert.severity}] ${bold(alert.title)}`);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
  return lines;
}

/**
 * The last scenario: the audit of the world the demo ends with, first as `npx ecs-autopilot audit` prints it, then
 * from its daily schedule twice: the first run alerts each finding, the second, finding the same, alerts nothing.
 * Returns how many scenarios ran, checked against its title.
 */
export async function auditStory(proxy: MotoProxy, number: number): Promise<number> {
  out();
  out(bold('Audit'));
  out();
  out(bold(`${number}. The audit of this demo's own world: findings explained, nothing changed, each alerted once`));
  const settings = { endpoint: proxy.endpoint, region: REGION };
  const clients = {
    ecs: new ECSClient(settings),
    elbv2: new ElasticLoadBalancingV2Client(settings),
    ec2: new EC2Client(settings),
    acm: new ACMClient(settings),
    autoScaling: new ApplicationAutoScalingClient(settings),
  };
  const callsBefore = proxy.calls().length;
  const read = await observeAudit({ clients, region: REGION, now: new Date(), scope: {} });
  const findings = runChecks(read.observation);
  const services = read.observation.services.length;
  say('audit', dim('npx ecs-autopilot audit (every cluster of the region) prints:'));
  for (const line of renderAuditText({ services, findings, notAudited: read.notAudited }).trimEnd().split('\n')) {
    out(`${INDENT}${line}`);
  }

  const sqs = new SQSClient(settings);
  const outboxUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: OUTBOX_QUEUE }))).QueueUrl ?? '';
  process.env.AUTOPILOT_CONFIG_FILE = writeConfig(CONFIG);
  process.env.ALERT_OUTBOX_URL = outboxUrl;
  process.env.STATE_TABLE_NAME = STATE_TABLE;
  const { handler } = await import('#functions/audit/handler.js');
  const account = read.observation.services[0]?.serviceArn.split(':')[4] ?? '123456789012';
  const run = () => handler(scheduledEvent({ account, region: REGION }) as never, lambdaContext('audit'));
  const first = await run();
  say('schedule', `the daily audit: ${first.findings.length} finding(s), ${first.alerted.length} alerted`);
  for (const line of await takeOutbox(sqs, outboxUrl)) out(`${INDENT}${line}`);
  const second = await run();
  say('schedule', `the next day: ${second.findings.length} finding(s), ${second.alerted.length} alerted (none new)`);

  const audited = ['ecs', 'elasticloadbalancing', 'ec2', 'application-autoscaling', 'acm'];
  const writes = proxy
    .calls()
    .slice(callsBefore)
    .filter((c) => audited.includes(c.service ?? '') && !/^(Describe|List)/.test(c.operation));
  say('aws calls', `${proxy.calls().length - callsBefore}, none of them a change to ECS, ELB, EC2 or scaling`);
  const holds =
    findings.length > 0 &&
    first.alerted.length === first.findings.length &&
    second.alerted.length === 0 &&
    second.alerts.length === 0 &&
    writes.length === 0;
  if (!holds) {
    const seen = JSON.stringify({
      findings: findings.length,
      first: first.alerted.length,
      second: second.alerted.length,
      writes,
    });
    throw new Error(`the audit story did not do what its title says: ${seen}`);
  }
  return 1;
}
