import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { classifyStop } from '#shared/tasks/classify.js';
import { groupsLeftByEcs } from '#shared/tasks/left-by-ecs.js';
import { observeSweptStops } from '#shared/tasks/storm-sweep.js';
import { TG_WEB, TG_WEB_CANARY, taskDetail, taskEvent } from '#test/support/builders.js';
import { describedStop, keptLogger } from '#test/support/tasks-ledger.js';

const ecs = new ECSClient({ region: 'us-east-1' });
const elbv2 = new ElasticLoadBalancingV2Client({ region: 'us-east-1' });
const ecsMock = mockClient(ecs);
const elbv2Mock = mockClient(elbv2);
const arn = (id: string) => `arn:aws:ecs:us-east-1:111122223333:task/prod/${id}`;

beforeEach(() => {
  ecsMock.reset();
  elbv2Mock.reset();
});

describe('Groups ECS has already emptied of the stops’ targets', () => {
  const stopping = (id: string, ip: string) => {
    const detail = taskDetail({ taskArn: arn(id) });
    return { taskArn: arn(id), classification: classifyStop(detail), targets: [{ id: ip, port: 8080 }] };
  };
  const subject = { clusterName: 'prod', serviceName: 'web' };

  it('settles a group whose stopped targets are draining with one read of those targets and no write', async () => {
    // Prepare
    elbv2Mock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [{ Target: { Id: '10.0.1.17', Port: 8080 }, TargetHealth: { State: 'draining' } }],
    });
    const here = [stopping('t1', '10.0.1.17')];

    // Act
    const settled = await groupsLeftByEcs(elbv2, [{ targetGroupArn: TG_WEB, here }], subject, keptLogger().logger);

    // Assess
    expect(elbv2Mock.commandCalls(DescribeTargetHealthCommand).map((c) => c.args[0].input)).toEqual([
      { TargetGroupArn: TG_WEB, Targets: [{ Id: '10.0.1.17', Port: 8080 }] },
    ]);
    const outcome = settled.get(TG_WEB);
    expect(outcome?.audit).toEqual([]);
    expect(outcome?.plan?.action).toBeUndefined();
    expect(outcome?.plan?.decisions.map((d) => d.verdict)).toEqual(['gone']);
  });

  it('leaves a group with a stopped target still in service, or whose read failed, to the work under its lease', async () => {
    // Prepare
    elbv2Mock
      .on(DescribeTargetHealthCommand, { TargetGroupArn: TG_WEB })
      .resolves({
        TargetHealthDescriptions: [{ Target: { Id: '10.0.1.17', Port: 8080 }, TargetHealth: { State: 'healthy' } }],
      })
      .on(DescribeTargetHealthCommand, { TargetGroupArn: TG_WEB_CANARY })
      .rejects(new Error('Throttling'));
    const kept = keptLogger();
    const groups = [
      { targetGroupArn: TG_WEB, here: [stopping('t1', '10.0.1.17')] },
      { targetGroupArn: TG_WEB_CANARY, here: [stopping('t1', '10.0.1.17')] },
    ];

    // Act
    const settled = await groupsLeftByEcs(elbv2, groups, subject, kept.logger);

    // Assess
    expect(settled.size).toBe(0);
    expect(kept.lines.map((l) => [l.level, (l.extra as { targetGroupArn?: string }).targetGroupArn])).toEqual([
      ['debug', TG_WEB_CANARY],
    ]);
  });
});

describe('Storm sweep: the stops ECS knows that no event of the batch names', () => {
  const NOW = new Date('2026-11-24T12:00:00.000Z');
  const policy = { deregisterTargets: true, alertRoutineStops: false };
  const described = describedStop;

  it('takes the recent failed stops it was not told of, each as an event of its own dated when it stopped', async () => {
    // Prepare
    const template = taskEvent(taskDetail({ taskArn: arn('known') }));
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['known', 'fresh', 'old', 'scaled', 'undated'].map(arn) });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        described('known', new Date(NOW.getTime() - 5_000)),
        described('fresh', new Date(NOW.getTime() - 300_000)),
        described('old', new Date(NOW.getTime() - 300_001)),
        described('scaled', new Date(NOW.getTime() - 1_000), {
          stopCode: 'ServiceSchedulerInitiated',
          stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)',
        }),
        described('undated', undefined),
      ] as never,
    });

    // Act
    const swept = await observeSweptStops(ecs, template, new Set([arn('known')]), policy, {
      maxAgeSeconds: 300,
      now: NOW,
    });

    // Assess
    expect(ecsMock.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'prod',
      serviceName: 'web',
      desiredStatus: 'STOPPED',
    });
    expect(swept).toHaveLength(1);
    const [fresh] = swept;
    expect(fresh?.message.messageId).toBe(`swept:${arn('fresh')}`);
    expect(fresh?.message.event).toMatchObject({
      id: `swept:${arn('fresh')}`,
      time: '2026-11-24T11:55:00.000Z',
      account: template.account,
      region: template.region,
    });
    expect(fresh?.policy).toBe(policy);
    expect(fresh?.classification.kind).toBe('essential-container-exited');
  });

  it('lists the older stops an abandoned sweep could have taken, to report only, never to deregister', async () => {
    // Prepare: the abandoned sweep's slot began 200 s ago; its age limit reached 500 s back
    const template = taskEvent(taskDetail({ taskArn: arn('known') }));
    ecsMock.on(ListTasksCommand).resolves({ taskArns: ['fresh', 'older', 'oldest'].map(arn) });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        described('fresh', new Date(NOW.getTime() - 300_000)),
        described('older', new Date(NOW.getTime() - 500_000)),
        described('oldest', new Date(NOW.getTime() - 500_001)),
      ] as never,
    });
    const reportSince = new Date(NOW.getTime() - 200_000);

    // Act
    const swept = await observeSweptStops(ecs, template, new Set(), policy, {
      maxAgeSeconds: 300,
      now: NOW,
      reportSince,
    });

    // Assess
    expect(swept.map((s) => [s.message.messageId, s.policy.deregisterTargets])).toEqual([
      [`swept:${arn('fresh')}`, true],
      [`swept:${arn('older')}`, false],
    ]);
    expect(swept[1]?.policy).toEqual({ ...policy, deregisterTargets: false });
  });

  it('dates a stop without a stopping time by when it stopped', async () => {
    // Prepare
    const template = taskEvent(taskDetail({ taskArn: arn('known') }));
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [arn('late')] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [described('late', undefined, { stoppedAt: new Date(NOW.getTime() - 10_000) })] as never,
    });

    // Act
    const swept = await observeSweptStops(ecs, template, new Set(), policy, { maxAgeSeconds: 300, now: NOW });

    // Assess
    expect(swept.map((s) => s.message.event.time)).toEqual(['2026-11-24T11:59:50.000Z']);
  });
});
