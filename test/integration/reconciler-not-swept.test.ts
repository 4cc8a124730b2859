import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '#local/moto-proxy-types.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { membership, provisionWorld, type World } from '#local/world.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { RECONCILER_CONFIG } from '#test/support/reconciler-fixtures.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

const param = (call: AwsCall, name: string) => (call.params as Record<string, unknown> | undefined)?.[name];

describe('Function: reconciler, when part of what it sweeps cannot be read', () => {
  let world: World;

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 2 },
        { name: 'api', tasks: 2 },
      ],
    });
  });

  it('names a configured cluster AWS does not have, sweeps the rest and says so in its alert', async () => {
    // Prepare
    const config = `${RECONCILER_CONFIG}  - name: staging\n    services:\n      - name: web\n`;
    const { react: sweep } = await coldContainer(world, 'reconciler', config);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(run.notSwept).toEqual([expect.stringMatching(/staging.*: the config lists it$/)]);
    expect(run.services.map((s) => s.serviceName).sort()).toEqual(['api', 'web']);
    expect(run.services.every((s) => s.running === 2 && s.stopped === 0)).toBe(true);
    expect(run.alert?.title).toMatch(/1 part\(s\) of the config not swept/);
  });

  it('names the target group it could not read, and reads and counts the others', async () => {
    // Prepare
    const apiGroup = world.services.api?.targetGroupArns[0] as string;
    proxy.failWith5xx(
      (call) => call.operation === 'DescribeTargetHealth' && param(call, 'TargetGroupArn') === apiGroup,
      20,
    );
    const { react: sweep } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(run.notSwept).toEqual([expect.stringMatching(/^target group api-tg1: /)]);
    expect(run.targetGroups).toBe(1);
    expect(run.alert?.description).toContain('target group api-tg1');
  });

  it('leaves a service whose tasks cannot be read out of the sweep, names it, and removes nothing of its groups', async () => {
    // Prepare
    const before = await membership(world);
    proxy.failWith5xx((call) => call.operation === 'ListTasks' && param(call, 'serviceName') === 'web', 20);
    const { react: sweep } = await coldContainer(world, 'reconciler', RECONCILER_CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(run.notSwept).toEqual([expect.stringMatching(/^service prod\/web: /)]);
    expect(run.services.map((s) => s.serviceName)).toEqual(['api']);
    expect(run.targetGroups).toBe(1);
    expect(run.audit).toEqual([]);
    expect(await membership(world)).toEqual(before);
  });
});
