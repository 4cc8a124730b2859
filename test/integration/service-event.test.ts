import { beforeEach, describe, expect, inject, it } from 'vitest';
import { deliverOutbox } from '#local/pipeline.js';
import { provisionWorld, receiveAlerts, receiveOutbox, type World } from '#local/world.js';
import { ChatbotNotificationSchema } from '#shared/notify/chatbot.js';
import * as v from '#shared/validation/input-schema.js';
import { prodClusterConfig } from '#test/support/cluster-config.js';
import { coldContainer } from '#test/support/functions.js';
import { worldEvent } from '#test/support/service-events.js';

const endpoint = inject('motoEndpoint');

const CONFIG = prodClusterConfig('web');

describe('Function: service-event', () => {
  let world: World;

  beforeEach(async () => {
    world = await provisionWorld(endpoint, {
      services: [
        { name: 'web', tasks: 0 },
        { name: 'api', tasks: 0 },
      ],
    });
  });

  it('sends a placement failure to the topic with severity, kind, cluster and service attributes', async () => {
    // Prepare
    const { react, notifier, awsCalls } = await coldContainer(world, 'service-event', CONFIG);

    // Act
    const reaction = await react(worldEvent(world, 'service-task-placement-failure'));
    const calls = awsCalls.snapshot();
    const delivered = await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    expect(calls).toEqual({ 'SQS.SendMessage': 1 });
    expect(reaction.alert?.incidentId).toBe('ecs-service/prod/web/SERVICE_TASK_PLACEMENT_FAILURE/2025-06-03');
    expect(delivered).toBe(1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.attributes).toEqual({
      severity: 'critical',
      kind: 'service-event/service-task-placement-failure',
      cluster: 'prod',
      service: 'web',
      account: world.account,
      region: world.region,
    });
    const message = v.parse(ChatbotNotificationSchema, alerts[0]?.message);
    expect(message.content.title).toBe('🔴 prod/web: tasks cannot be placed (RESOURCE:MEMORY)');
    expect(message.metadata?.relatedResources).toEqual([world.services.web?.serviceArn]);
  });

  it('sends a deployment failure and its circuit-breaker rollback as two alerts', async () => {
    // Prepare
    const { react, notifier } = await coldContainer(world, 'service-event', CONFIG);

    // Act
    await react(worldEvent(world, 'deployment-failed'));
    await react(worldEvent(world, 'deployment-rollback-circuit-breaker'));
    await deliverOutbox(world, notifier);
    const alerts = await receiveAlerts(world);

    // Assess
    expect(alerts.map((a) => a.attributes.kind).sort()).toEqual([
      'service-event/service-deployment-failed',
      'service-event/service-deployment-rollback',
    ]);
    expect(alerts.every((a) => a.attributes.severity === 'critical')).toBe(true);
  });

  it.each([
    ['a steady state', 'service-steady-state', CONFIG, /steady state/],
    ['a deployment that completes', 'deployment-completed', CONFIG, /routine deployment progress/],
    [
      'an unmanaged service',
      'service-task-placement-failure',
      'version: 1\nclusters: [{ name: prod, services: [{ name: api }] }]\n',
      /service web is not in the config of cluster prod/,
    ],
    [
      'a service switched off in the config',
      'deployment-failed',
      'version: 1\nclusters: [{ name: prod, services: [{ name: web, enabled: false }] }]\n',
      /disabled in the config/,
    ],
  ])('sends nothing for %s', async (_case, name, configYaml, why) => {
    // Prepare
    const { react, awsCalls } = await coldContainer(world, 'service-event', configYaml);

    // Act
    const reaction = await react(worldEvent(world, name));

    // Assess
    expect(reaction.ignored).toMatch(why);
    expect(awsCalls.total()).toBe(0);
    expect(await receiveOutbox(world)).toHaveLength(0);
  });

  it('delivers a duplicate of the same event once, whichever container receives it', async () => {
    // Prepare
    const event = worldEvent(world, 'service-task-start-impaired');
    const first = await coldContainer(world, 'service-event', CONFIG);
    await first.react(event);

    // Act
    await first.react(structuredClone(event));
    const second = await coldContainer(world, 'service-event', CONFIG);
    const again = await second.react(structuredClone(event));
    const delivered = await deliverOutbox(world, second.notifier);

    // Assess
    expect(again.alert?.incidentId).toBe('ecs-service/prod/web/SERVICE_TASK_START_IMPAIRED/2025-06-03');
    expect(delivered).toBe(1);
    expect(await receiveAlerts(world)).toHaveLength(1);
  });

  it('rejects a malformed event with the path of the bad field, so Lambda retries it into the DLQ', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'service-event', CONFIG);
    const event = worldEvent(world, 'deployment-failed');
    delete event.detail.deploymentId;

    // Act & Assess
    await expect(react(event)).rejects.toThrow(/detail\.deploymentId: Invalid input: expected string/);
  });

  it('reports nothing for an event of another account or region, nor for one dated in the future', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'service-event', CONFIG);
    const foreign = { ...worldEvent(world, 'service-task-placement-failure'), account: '999988887777' };
    const elsewhere = { ...worldEvent(world, 'service-task-placement-failure'), region: 'eu-west-1' };
    const ahead = { ...worldEvent(world, 'service-task-placement-failure'), time: '2099-01-01T00:00:00Z' };

    // Act
    const reactions = [await react(foreign), await react(elsewhere), await react(ahead)];

    // Assess
    expect(reactions.map((r) => r.ignored)).toEqual([
      expect.stringMatching(/account 999988887777 is not ours/),
      expect.stringMatching(/region eu-west-1 is not ours/),
      expect.stringMatching(/in the future/),
    ]);
    expect(await receiveOutbox(world)).toEqual([]);
  });
});
