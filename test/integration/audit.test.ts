import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeConfig } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { provisionWorld, receiveOutboxAlerts, type World } from '#local/world.js';
import { type AuditWorld, hardenForAudit, recordAuditAnswers, seedAuditMistakes } from '#local/world-audit.js';
import { runChecks } from '#shared/audit/checks/index.js';
import { observeAudit } from '#shared/audit/observe.js';
import { loadConfigFile } from '#shared/config/load.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const proxy = await useMotoProxy();

const CONFIG = `
version: 1
clusters:
  - name: prod
    services:
      - name: web
        scaling: { minCount: 1, maxCount: 10 }
      - name: "*"
`;
const DAY_MS = 86_400_000;

/** The product's view of the world: its clients through the proxy, which answers what moto does not model. */
async function audit(world: World) {
  const settings = {
    endpoint: proxy.endpoint,
    region: world.region,
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
  };
  const read = await observeAudit({
    clients: {
      ecs: new ECSClient(settings),
      elbv2: new ElasticLoadBalancingV2Client(settings),
      ec2: new EC2Client(settings),
      acm: new ACMClient(settings),
      autoScaling: new ApplicationAutoScalingClient(settings),
    },
    region: world.region,
    now: new Date(),
    scope: { clusters: [world.clusterName] },
    config: loadConfigFile(writeConfig(CONFIG)),
  });
  return { ...read, findings: runChecks(read.observation) };
}

/** Each mistake `seedAuditMistakes` makes, as `check/kind service` (`-`: the load balancer in front of both). */
const SEEDED = [
  'canary-target-groups/sticky-canary web',
  'canary-target-groups/weights-managed-twice web',
  'deregistration-delay/slows-deployments api',
  'health-checks/default-health-check api',
  'health-checks/grace-period-too-short api',
  'listeners/certificate-expiring -',
  'listeners/outdated-tls-policy -',
  'listeners/plain-http -',
  'load-balancer-config/container-port-missing orders',
  'scaling/desired-count-out-of-bounds api',
  'scaling/two-scalers web',
  'security-groups/load-balancer-blocked api',
];

describe('Audit on moto', () => {
  let hardened: AuditWorld;

  beforeEach(async () => {
    const world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 2, targetGroups: 2 },
        { name: 'api', tasks: 3, containerPort: 8081 },
      ],
    });
    hardened = await hardenForAudit(world);
    // ECS's answer for what moto does not store: every service was given a 60 s grace period.
    const grace = { healthCheckGracePeriodSeconds: 60 };
    recordAuditAnswers(proxy, { services: { web: grace, api: grace, orders: grace } });
  });

  /** Seeds every mistake, with ECS's LINEAR strategy on the canary rule and a certificate 10 days from expiry. */
  async function seedEveryMistake() {
    await seedAuditMistakes(hardened);
    const [blue, green] = hardened.world.services.web?.targetGroupArns ?? [];
    recordAuditAnswers(proxy, {
      services: {
        web: {
          healthCheckGracePeriodSeconds: 60,
          deploymentConfiguration: {
            strategy: 'LINEAR',
            maximumPercent: 200,
            minimumHealthyPercent: 100,
            linearConfiguration: { stepPercent: 10.0, stepBakeTimeInMinutes: 6 },
          },
          advancedConfiguration: {
            targetGroupArn: blue ?? '',
            alternateTargetGroupArn: green,
            productionListenerRule: hardened.canaryRuleArn,
            roleArn: `arn:aws:iam::${hardened.world.account}:role/ecs-blue-green`,
          },
        },
      },
      certificateExpiry: { [hardened.certificateArn]: new Date(Date.now() + 10 * DAY_MS) },
    });
  }

  it('finds nothing in a correct setup', async () => {
    // Act
    const result = await audit(hardened.world);

    // Assess
    expect(result.observation.services.map((s) => s.serviceName).sort()).toEqual(['api', 'web']);
    expect(result.notAudited).toEqual([]);
    expect(result.findings).toEqual([]);
  });

  it('finds each seeded mistake, and nothing else', async () => {
    // Prepare
    await seedEveryMistake();

    // Act
    const result = await audit(hardened.world);

    // Assess
    expect(result.findings.map((f) => `${f.check}/${f.kind} ${f.serviceName ?? '-'}`).sort()).toEqual(SEEDED);
    expect(result.findings.find((f) => f.kind === 'weights-managed-twice')?.facts.owners).toBe(
      'ECS (LINEAR deployments of web) | CloudFormation stack web-stack',
    );
    expect(result.findings.find((f) => f.kind === 'load-balancer-blocked')?.facts).toMatchObject({
      from: 8081,
      to: 8081,
    });
  });

  it('changes nothing in AWS while it audits', async () => {
    // Prepare
    await seedEveryMistake();
    const before = proxy.calls().length;

    // Act
    await audit(hardened.world);

    // Assess
    const operations = [
      ...new Set(
        proxy
          .calls()
          .slice(before)
          .map((c) => c.operation),
      ),
    ];
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((op) => !/^(Describe|List)/.test(op))).toEqual([]);
  });

  it('alerts each finding once from the schedule, and again only when the finding changes', async () => {
    // Prepare
    await seedEveryMistake();
    const { react } = await coldContainer(hardened.world, 'audit', CONFIG);
    const outboxTitles = async () => (await receiveOutboxAlerts(hardened.world)).map((a) => a.title).sort();

    // Act
    const first = await react(scheduledEvent(hardened.world));
    const firstAlerts = await outboxTitles();
    const second = await react(scheduledEvent(hardened.world, new Date(Date.now() + DAY_MS)));
    recordAuditAnswers(proxy, { certificateExpiry: { [hardened.certificateArn]: new Date(Date.now() + 3 * DAY_MS) } });
    const third = await react(scheduledEvent(hardened.world, new Date(Date.now() + 2 * DAY_MS)));

    // Assess
    expect(first.alerted).toHaveLength(SEEDED.length);
    expect(firstAlerts).toEqual([
      'prod load balancers: 3 new audit findings (3 warning)',
      'prod/api: 5 new audit findings (1 critical, 4 warning)',
      'prod/orders: 1 new audit finding (1 critical)',
      'prod/web: 3 new audit findings (3 warning)',
    ]);
    expect(second.alerted).toEqual([]);
    expect(second.alerts).toEqual([]);
    expect(third.alerted).toEqual([expect.stringMatching(/^listeners\/certificate-expiring\//)]);
    expect(third.alerts.map((a) => [a.title, a.severity])).toEqual([
      ['prod load balancers: 1 new audit finding (1 critical)', 'critical'],
    ]);
  });
});
