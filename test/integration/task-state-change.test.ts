import { ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { deliverOutbox } from '#local/pipeline.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { membership, provisionWorld, receiveAlerts, receiveOutbox, targetsOf, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import type { TaskBatchReaction } from '#shared/tasks/batch-react.js';
import * as v from '#shared/validation/input-schema.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { worldTask } from '#test/support/world-task.js';

const endpoint = inject('motoEndpoint');

const CONFIG = prodClusterConfig('web', 'api');

/** The state table writes among counted calls (`DynamoDB.UpdateItem`, …). */
const stateWrites = (calls: Record<string, number>) =>
  Object.keys(calls).filter((call) =>
    /^DynamoDB\.(UpdateItem|PutItem|DeleteItem|TransactWriteItems|BatchWriteItem)$/.test(call),
  );

describe('Function: task-state-change', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(endpoint, {
      services: [
        { name: 'web', tasks: 3, targetGroups: 2 },
        { name: 'api', tasks: 3 },
      ],
    });
  });

  /** Every audit record of a batch, in target-group order. */
  function auditOf(result: { reaction: TaskBatchReaction }) {
    return result.reaction.services.flatMap((s) => s.outcomes.flatMap((o) => o.audit));
  }

  const task = (service: string, index: number) => worldTask(world, service, index);

  it("deregisters the stopped task's targets from every target group of its service and touches nothing else", async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const stopped = task('web', 0);
    const webBefore = await membership(world, ['web']);
    const apiBefore = await membership(world, ['api']);

    // Act
    const reaction = await react(taskStateChangeEvent(world, stopped));

    // Assess
    const webAfter = await membership(world, ['web']);
    for (const [tg, before] of Object.entries(webBefore)) {
      expect(webAfter[tg]).toEqual(before.filter((t) => t !== `${stopped.ip}:${stopped.port}`));
      expect(webAfter[tg]).toHaveLength(2);
    }
    expect(await membership(world, ['api'])).toEqual(apiBefore);
    expect(auditOf(reaction).map((r) => r.outcome)).toEqual(['applied', 'applied']);
    expect(reaction.batchItemFailures).toEqual([]);
  });

  it('sends one alert to the topic with severity, kind, cluster and service attributes, in the custom notification format', async () => {
    // Prepare
    const { react, notifier } = await coldContainer(world, 'task-state-change', CONFIG);

    // Act
    await react(
      taskStateChangeEvent(world, task('web', 1), {
        exitCode: 137,
        containerReason: 'OutOfMemoryError: Container killed due to memory usage',
      }),
    );
    const delivered = await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    expect(delivered).toBe(1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.attributes).toEqual({
      severity: 'critical',
      kind: 'task-stopped/out-of-memory',
      cluster: 'prod',
      service: 'web',
      account: world.account,
      region: world.region,
    });
    const message = v.parse(ChatbotNotificationSchema, alerts[0]?.message);
    expect(message.content.title).toMatch(/prod\/web: task \w{8} stopped \(out of memory\)/);
    expect(message.content.description).toContain(`deregister ${task('web', 1).ip}:8080 from target group web-tg1`);
    expect(message.metadata?.threadId).toMatch(/^ecs-task-stops\/prod\/web\//);
  });

  it('does nothing for a duplicate in the same container: no AWS call, no alert', async () => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);
    const event = taskStateChangeEvent(world, task('web', 0), { version: 5 });
    await react(event);

    // Act
    const duplicate = await react({ ...event, id: 'another-delivery-of-the-same-change' });
    const older = await react(taskStateChangeEvent(world, task('web', 0), { version: 4 }));

    // Assess
    expect(duplicate.reaction.ignored[0]?.why).toMatch(/a duplicate: version 5/);
    expect(older.reaction.ignored[0]?.why).toMatch(/out of order: version 4, already handled 5/);
    expect(awsCalls.total()).toBe(0);
    expect(await receiveOutbox(world)).toHaveLength(1);
  });

  it('does nothing for a duplicate that reaches another container: no second write, no second alert', async () => {
    // Prepare
    const event = taskStateChangeEvent(world, task('web', 0), { lastStatus: 'RUNNING', version: 3 });
    const first = await coldContainer(world, 'task-state-change', CONFIG);
    await first.react(event);

    // Act
    const second = await coldContainer(world, 'task-state-change', CONFIG);
    const reaction = await second.react(event);
    await deliverOutbox(world, second.notifier);

    // Assess
    expect(second.awsCalls.snapshot()['ELBv2.DeregisterTargets']).toBeUndefined();
    expect(auditOf(reaction)).toEqual([]);
    expect(await receiveAlerts(world)).toHaveLength(1);
  });

  it('mutates nothing in dry-run, and says what it would have done', async () => {
    // Prepare
    const { react, notifier, awsCalls } = await coldContainer(world, 'task-state-change', `${CONFIG}\ndryRun: true\n`);
    const before = await membership(world, ['web']);

    // Act
    const reaction = await react(taskStateChangeEvent(world, task('web', 2)));
    const reactionCalls = awsCalls.snapshot();
    await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    expect(await membership(world, ['web'])).toEqual(before);
    expect(awsCalls.snapshot()['ELBv2.DeregisterTargets']).toBeUndefined();
    expect(auditOf(reaction).map((r) => r.outcome)).toEqual(['dry-run', 'dry-run']);
    expect(v.parse(ChatbotNotificationSchema, alerts[0]?.message).content.title).toContain('[dry run]');
    // No state either: no lease, no report claim, no crash-loop count.
    expect(stateWrites(reactionCalls)).toEqual([]);
  });

  it('turns dry-run on from AUTOPILOT_DRY_RUN, the emergency brake', async () => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG, { AUTOPILOT_DRY_RUN: 'true' });
    const before = await membership(world, ['web']);

    // Act
    await react(taskStateChangeEvent(world, task('web', 2)));

    // Assess
    expect(await membership(world, ['web'])).toEqual(before);
    expect(stateWrites(awsCalls.snapshot())).toEqual([]);
  });

  it('reads the service once, its running tasks once and each target group once per batch under one lease, cold or warm', async () => {
    // Prepare
    const { react, reactBatch, awsCalls } = await coldContainer(world, 'task-state-change', CONFIG);

    // Act
    await react(taskStateChangeEvent(world, task('api', 0)));
    const cold = awsCalls.snapshot();
    await reactBatch([task('api', 1), task('web', 0), task('web', 1)].map((t) => taskStateChangeEvent(world, t)));
    const warm = awsCalls.snapshot();

    // Assess
    // Besides the target group's lease, the service's failed stops are counted toward a crash loop: one update adds
    // them to the two half-window sets they fall in.
    // A lone stop reads whether a storm sweep of its service is under way (one read for the whole batch).
    // And the stop's report is claimed on the service's stop-reports record, so that one alert counts it, in the
    // transaction that frees the lease. A STOPPED task's own targets are read first (ECS has most often removed them by then): here they are still
    // registered, so the group is read again under its lease. Its address may be free again, so the cluster's other
    // managed services are described too (in one call, kept as each one's description), to find any bound to its group.
    expect(cold).toEqual({
      'DynamoDB.BatchGetItem': 1,
      'DynamoDB.UpdateItem': 2,
      'DynamoDB.TransactWriteItems': 1,
      'ECS.DescribeServices': 2,
      'ECS.ListTasks': 1,
      'ECS.DescribeTasks': 1,
      'ELBv2.DescribeTargetHealth': 2,
      'ELBv2.DeregisterTargets': 1,
      'SQS.SendMessage': 1,
    });
    // Three stops make a storm: web's and api's sweeps are claimed (one transaction for the batch) and published, and
    // each service's stopped tasks listed; each sweep claims its stops' reports and, once its alert is queued, marks
    // it so on its record. api's one group frees its lease in the transaction of its claim; web's two groups free
    // theirs each on its own, and web claims in one update. web's description is the one the cold stop kept.
    expect(warm).toEqual({
      'DynamoDB.TransactWriteItems': 2,
      'DynamoDB.UpdateItem': 10,
      'DynamoDB.DeleteItem': 2,
      'ECS.ListTasks': 4,
      'ECS.DescribeTasks': 2,
      'ELBv2.DescribeTargetHealth': 3,
      'ELBv2.DeregisterTargets': 3,
      'SQS.SendMessage': 2,
    });
  });

  it('keeps the last registered target of a target group, and says so in the alert', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const [a, b, c] = [task('api', 0), task('api', 1), task('api', 2)];
    await react(taskStateChangeEvent(world, a));
    await react(taskStateChangeEvent(world, b));

    // Act
    const reaction = await react(taskStateChangeEvent(world, c));

    // Assess
    const tg = world.services.api?.targetGroupArns[0] as string;
    expect((await targetsOf(world, tg)).map((t) => t.id)).toEqual([c.ip]);
    const decisions = reaction.reaction.services[0]?.outcomes[0]?.plan?.decisions;
    expect(decisions).toMatchObject([{ verdict: 'kept-last', target: `${c.ip}:${c.port}` }]);
    expect(reaction.reaction.services[0]?.alert?.description).toMatch(/kept by never-empty/);
  });

  it('leaves a service alone when it carries the ecs-autopilot:disabled tag', async () => {
    // Prepare
    const ecs = new ECSClient({ endpoint, region: 'us-east-1' });
    await ecs.send(
      new TagResourceCommand({
        resourceArn: world.services.web?.serviceArn,
        tags: [{ key: 'ecs-autopilot:disabled', value: 'true' }],
      }),
    );
    const { react } = await coldContainer(world, 'task-state-change', CONFIG);
    const before = await membership(world, ['web']);

    // Act
    const reaction = await react(taskStateChangeEvent(world, task('web', 0)));

    // Assess
    expect(reaction.reaction.services[0]?.notes).toEqual([expect.stringMatching(/ecs-autopilot:disabled/)]);
    expect(await membership(world, ['web'])).toEqual(before);
  });

  it.each([
    ['an unmanaged service', `version: 1\nclusters: [{ name: prod, services: [{ name: web }] }]\n`, 'api', {}],
    ['a standalone task', CONFIG, 'api', { group: 'family:api' }],
    [
      'a routine scale-in',
      CONFIG,
      'api',
      {
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by (deployment X)',
        startedBy: 'X',
      },
    ],
  ])('takes no action for %s', async (_case, configYaml, service, overrides) => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'task-state-change', configYaml);
    const before = await membership(world, [service]);

    // Act
    const reaction = await react(taskStateChangeEvent(world, task(service, 0), overrides));

    // Assess
    expect(reaction.reaction.ignored).toHaveLength(1);
    expect(awsCalls.total()).toBe(0);
    expect(await membership(world, [service])).toEqual(before);
    expect(await receiveOutbox(world)).toHaveLength(0);
  });

  it('returns a malformed message to the queue with the path of the bad field, and handles the rest of its batch', async () => {
    // Prepare
    const { reactBatch } = await coldContainer(world, 'task-state-change', CONFIG);
    const bad = taskStateChangeEvent(world, task('web', 0)) as unknown as { detail: Record<string, unknown> };
    delete bad.detail.version;

    // Act
    const result = await reactBatch([bad, taskStateChangeEvent(world, task('api', 0))]);

    // Assess
    expect(result.batchItemFailures).toHaveLength(1);
    expect(result.reaction.failures[0]?.why).toMatch(/detail\.version: Invalid input: expected number/);
    expect(auditOf(result).map((r) => r.outcome)).toEqual(['applied']);
  });
});
