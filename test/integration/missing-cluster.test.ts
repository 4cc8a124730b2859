import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { manualTaskTransitions } from '#local/moto-server.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { provisionWorld, targetsOf, type World } from '#local/world.js';
import { alarmConfig } from '#test/support/alarm-config.js';
import { repoRoot } from '#test/support/fixtures.js';
import { coldContainer } from '#test/support/functions.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';

const endpoint = inject('motoEndpoint');
const proxy = await useMotoProxy();

/** A config whose first cluster does not exist in the account: a stale entry, or the wrong region. */
const CONFIG = alarmConfig(
  [
    { alarmName: '-unhealthy-hosts$', reaction: 'deregister-unhealthy' },
    { alarmName: '-cpu-high$', reaction: 'scale-out' },
  ],
  undefined,
  { ghost: { web: { scaling: { minCount: 1, maxCount: 4 } } }, prod: { web: {} } },
);

describe('A configured cluster that does not exist', () => {
  let world: World;
  const ecs = new ECSClient({ endpoint, region: 'us-east-1' });

  beforeEach(async () => {
    await manualTaskTransitions(endpoint);
    world = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
  });

  it('does not stop the reconciler sweeping the other clusters, and is named in one warning', async () => {
    // Prepare: an orphan in prod, which the sweep must still reach
    const web = world.services.web;
    const orphan = web?.tasks[1] as { taskArn: string; ip: string };
    await ecs.send(
      new StopTaskCommand({ cluster: 'prod', task: orphan.taskArn, reason: 'Essential container in task exited' }),
    );
    stampStoppedTasks(proxy, new Date(Date.now() - 3_600_000));
    const { react: sweep } = await coldContainer(world, 'reconciler', CONFIG);

    // Act
    const run = await sweep(scheduledEvent(world));

    // Assess
    expect(run.audit.map((r) => r.outcome)).toEqual(['applied']);
    expect((await targetsOf(world, web?.targetGroupArns[0] as string)).map((t) => t.id)).not.toContain(orphan.ip);
    expect(run.notSwept).toEqual([expect.stringMatching(/^cluster ghost does not exist in this account and region/)]);
    expect(run.alert?.severity).toBe('warning');
    expect(run.alert?.description).toMatch(/the config and AWS disagree.*\n• cluster ghost does not exist/);
  });

  it('makes an alarm on a target group of another cluster still act, and says the config and AWS disagree', async () => {
    // Prepare
    const tg = world.services.web?.targetGroupArns[0] as string;
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);

    // Act
    const reaction = await react(
      alarmStateChangeEvent(world, { alarmName: 'prod-web-unhealthy-hosts', subject: { targetGroupArn: tg } }),
    );

    // Assess
    expect(reaction.service).toEqual({ clusterName: 'prod', serviceName: 'web' });
    expect(reaction.alert?.description).toMatch(/the config and AWS disagree: cluster ghost does not exist/);
  });

  it('turns an alarm on a service of that cluster into a notice that names it', async () => {
    // Prepare
    const { react } = await coldContainer(world, 'alarm-state-change', CONFIG);
    const event = alarmStateChangeEvent(world, { alarmName: 'ghost-web-cpu-high', subject: { service: 'web' } });
    Object.assign(event.detail.configuration.metrics[0]?.metricStat?.metric.dimensions ?? {}, { ClusterName: 'ghost' });

    // Act
    const reaction = await react(event);

    // Assess
    expect(reaction.ignored).toBe(
      'notify only: the config and AWS disagree: cluster ghost does not exist in this account and region (ECS: Cluster not found.)',
    );
    expect(reaction.alert).toMatchObject({ kind: 'alarm/notify-only', severity: 'warning' });
  });
});

describe('CLI: replay of an event of a cluster that does not exist', () => {
  it("makes a replay of that cluster's event exit 3, as not acted on, and still shows the alert that says why", () => {
    // Prepare: the shipped config manages prod, which this account does not have
    const event = join(repoRoot, 'events', 'task-stopping-first-event.json');
    const cli = join(repoRoot, 'bin', 'ecs-autopilot.mjs');

    // Act
    const result = spawnSync(process.execPath, [cli, 'replay', event, '--dry-run', '--ignore-age'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toMatch(/not acted on: cluster prod does not exist/);
    expect(result.stdout).toMatch(/the alert it would send:\n {2}\[warning\] .*cluster that does not exist/);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^error: not acted on: cluster prod does not exist/);
  });
});
