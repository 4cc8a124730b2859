import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SetTaskDefinitionAction } from '#shared/executor/actions.js';
import { MissingClientError } from '#shared/executor/errors.js';
import { setTaskDefinition } from '#shared/executor/forward-kinds.js';
import { accepted, ecs, ecsMock, resetKindMocks, subject } from '#test/support/executor-kinds.js';

const TD = 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:42';
const release = (taskDefinition = TD): SetTaskDefinitionAction => ({
  kind: 'set-task-definition',
  subject,
  clusterName: 'prod',
  serviceName: 'web-green',
  taskDefinition,
  why: 'release 2',
});

/** What the read-back says when DescribeServices answers this task definition (or no service). */
async function readBack(action: SetTaskDefinitionAction, taskDefinition?: string, services?: []) {
  ecsMock.reset();
  ecsMock.on(DescribeServicesCommand).resolves(taskDefinition ? { services: [{ taskDefinition }] } : { services });
  return setTaskDefinition.verify(action, { ecs }, 'read-back', accepted);
}

beforeEach(resetKindMocks);

describe('Executor kinds: set-task-definition', () => {
  it('points the service at the task definition, and nothing else', async () => {
    // Prepare
    ecsMock.on(UpdateServiceCommand).resolves({});

    // Act
    const applied = await setTaskDefinition.apply(release(), { ecs });

    // Assess
    expect(applied).toEqual({ changed: true, evidence: 'UpdateService accepted' });
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'prod',
      service: 'web-green',
      taskDefinition: TD,
    });
  });

  it('reads the service back, and accepts the full ARN for a task definition named by family:revision', async () => {
    // Act
    const exact = await readBack(release(), TD);
    const byName = await readBack(release('web:42'), TD);

    // Assess
    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: 'prod',
      services: ['web-green'],
    });
    expect(exact).toEqual({ ok: true, evidence: `read back: task definition ${TD}` });
    expect(byName.ok).toBe(true);
  });

  it('fails the read-back on another revision, a name that only ends the same, or no service', async () => {
    // Act
    const results = [
      await readBack(release(), 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:41'),
      await readBack(release('eb:42'), TD),
      await readBack(release(`${TD}/`), TD),
      await readBack(release()),
      await readBack(release(), undefined, []),
    ];

    // Assess
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false]);
    expect(results.slice(3).map((r) => r.evidence)).toEqual([
      'read back: task definition unknown',
      'read back: task definition unknown',
    ]);
  });

  it('needs an ECS client', async () => {
    // Act & Assess
    await expect(setTaskDefinition.apply(release(), {})).rejects.toThrow(MissingClientError);
    await expect(setTaskDefinition.verify(release(), {}, 'read-back', accepted)).rejects.toThrow(MissingClientError);
  });
});
