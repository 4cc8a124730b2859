import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type AccountEndpoint, startAccountEndpoint } from '#local/moto-account.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { recordAssumeRoles, refuseAssumeRole } from '#local/moto-proxy-sts.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { deliverOutbox } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { membership, provisionWorld, receiveAlerts, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();
const MEMBER = '222222222222';
const MISSING = '333333333333';

const CONFIG = `
version: 1
accounts:
  - id: "${MEMBER}"
    regions: [us-east-1]
    externalId: autopilot-test
  - id: "${MISSING}"
    regions: [eu-west-1]
clusters:
  - name: prod
    services: [{ name: web }]
  - name: prod
    account: "${MEMBER}"
    services: [{ name: web }]
  - name: prod
    account: "${MISSING}"
    services: [{ name: web }]
`;

describe('Function: reconciler, across accounts and regions', () => {
  let member: AccountEndpoint;
  let central: World;
  let memberWorld: World;

  beforeAll(async () => {
    // In front of the proxy, so that its rules (stop times, refused roles) apply to the member account too.
    member = await startAccountEndpoint(proxy.endpoint, MEMBER);
  });
  afterAll(() => member.stop());

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    central = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
    memberWorld = await provisionWorld(member.endpoint, { services: [{ name: 'web', tasks: 3 }], alerts: false });
  });

  it('sweeps the member account through its role while a member whose role is missing gets one alert', async () => {
    // Prepare
    const orphan = memberWorld.services.web?.tasks[1] as { taskArn: string; ip: string; port: number };
    const memberEcs = new ECSClient({ endpoint: member.endpoint, region: 'us-east-1' });
    await memberEcs.send(
      new StopTaskCommand({ cluster: 'prod', task: orphan.taskArn, reason: 'Essential container in task exited' }),
    );
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
    refuseAssumeRole(proxy, `arn:aws:iam::${MISSING}:role/ecs-autopilot-member`);
    const assumed = recordAssumeRoles(proxy);
    const memberBefore = await membership(memberWorld);
    const centralBefore = await membership(central);
    const { react: sweep, notifier } = await coldContainer(central, 'reconciler', CONFIG);
    const event = scheduledEvent(central);

    // Act
    const run = await sweep(event);
    await deliverOutbox(central, notifier);
    const alerts = await receiveAlerts(central);

    // Assess
    const gone = `${orphan.ip}:${orphan.port}`;
    const memberAfter = await membership(memberWorld);
    for (const [tg, targets] of Object.entries(memberBefore))
      expect(memberAfter[tg]).toEqual(targets.filter((t) => t !== gone));
    expect(await membership(central)).toEqual(centralBefore);
    expect(run.audit.map((r) => r.outcome)).toEqual(['applied']);
    expect(run.elsewhere.map((p) => [p.account, p.region, p.run?.audit.map((r) => r.outcome), p.unreachable])).toEqual([
      [MEMBER, 'us-east-1', ['applied'], undefined],
      [MISSING, 'eu-west-1', undefined, `reconciler could not act in account ${MISSING} in eu-west-1`],
    ]);
    expect(assumed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          RoleArn: `arn:aws:iam::${MEMBER}:role/ecs-autopilot-member`,
          RoleSessionName: `reconciler-${event.id}`,
          ExternalId: 'autopilot-test',
        }),
      ]),
    );
    const told = alerts.map((a) => {
      const { content, metadata } = v.parse(ChatbotNotificationSchema, a.message);
      const where = metadata?.additionalContext as Record<string, string>;
      return [a.attributes.kind, content.title, where.account, where.region];
    });
    expect(told).toEqual(
      expect.arrayContaining([
        [
          'access/unreachable',
          expect.stringMatching(`could not act in account ${MISSING} in eu-west-1$`),
          MISSING,
          'eu-west-1',
        ],
        [
          'reconciler/drift',
          expect.stringMatching(/reconciler: orphans deregistered in 1 target group/),
          MEMBER,
          'us-east-1',
        ],
      ]),
    );
    expect(alerts.filter((a) => a.attributes.kind === 'access/unreachable')).toHaveLength(1);
    expect(alerts).toHaveLength(2);
  });

  it('audits the member account through its role, its findings alerted as its own, while the missing member gets one alert', async () => {
    // Prepare
    refuseAssumeRole(proxy, `arn:aws:iam::${MISSING}:role/ecs-autopilot-member`);
    const { react: audit, notifier } = await coldContainer(central, 'audit', CONFIG);

    // Act
    const run = await audit(scheduledEvent(central));
    await deliverOutbox(central, notifier);
    const alerts = await receiveAlerts(central);

    // Assess
    const [inMember, missing] = run.elsewhere;
    expect(inMember?.run?.findings.length).toBeGreaterThan(0);
    const arns = (findings: { resource: string }[] = []) =>
      findings.map((f) => f.resource).filter((r) => r.startsWith('arn:'));
    expect(arns(inMember?.run?.findings).length).toBeGreaterThan(0);
    expect(arns(inMember?.run?.findings).every((arn) => arn.split(':')[4] === MEMBER)).toBe(true);
    expect(arns(run.findings).every((arn) => arn.split(':')[4] === central.account)).toBe(true);
    expect(missing).toEqual({
      account: MISSING,
      region: 'eu-west-1',
      unreachable: `audit could not act in account ${MISSING} in eu-west-1`,
    });
    const unreachable = alerts.filter((a) => a.attributes.kind === 'access/unreachable');
    expect(unreachable.map((a) => [a.attributes.account, a.attributes.region])).toEqual([[MISSING, 'eu-west-1']]);
    expect(
      alerts.filter((a) => a.attributes.kind === 'audit/findings' && a.attributes.account === MEMBER).length,
    ).toBeGreaterThan(0);
  });
});
