import { DeregisterTargetsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditLine } from '#shared/executor/audit.js';
import type { ServiceBindings } from '#shared/services/types.js';
import type { TargetOwner } from '#shared/targets/owners.js';
import { TG_WEB } from '#test/support/builders.js';
import { action, elbv2Mock, executor } from '#test/support/executor.js';
import { memoryLeaseStore } from '#test/support/leases.js';

const web: ServiceBindings = {
  clusterName: 'prod',
  serviceName: 'web',
  loadBalancers: [{ targetGroupArn: TG_WEB, containerName: 'app', containerPort: 8080 }],
};
const NEWCOMER = 'arn:aws:ecs:us-east-1:111122223333:task/prod/9c0ffee0000000000000000000000001';

/** An orphans' removal of two targets, planned when no task held either. */
const orphans = (unownedBy: ServiceBindings[] = [web]) =>
  action({
    targets: [
      { id: '10.0.1.8', port: 8080 },
      { id: '10.0.1.9', port: 8080 },
    ],
    why: 'orphan target(s)',
    basis: { inService: 4, healthy: 4, removingHealthy: 2 },
    unownedBy,
  });

describe('Executor: an orphan is judged again under its lease', () => {
  let registered: Set<string>;
  let ownerReads: string[];

  beforeEach(() => {
    elbv2Mock.reset();
    registered = new Set(['10.0.1.1', '10.0.1.2', '10.0.1.8', '10.0.1.9']);
    elbv2Mock.on(DescribeTargetHealthCommand).callsFake(async () => ({
      TargetHealthDescriptions: [...registered].map((id) => ({
        Target: { Id: id, Port: 8080 },
        TargetHealth: { State: 'healthy' },
      })),
    }));
    elbv2Mock.on(DeregisterTargetsCommand).callsFake(async (input: { Targets: Array<{ Id: string }> }) => {
      for (const t of input.Targets) registered.delete(t.Id);
      return {};
    });
    ownerReads = [];
  });

  /** An executor under leases whose services' tasks hold `held` (`id:port`) now. */
  function leased(held: Record<string, TargetOwner>, withOwners = true) {
    const targetOwners = async (service: ServiceBindings) => {
      ownerReads.push(service.serviceName);
      return new Map([[TG_WEB, new Map(Object.entries(held))]]);
    };
    return executor({
      targetGroupLeases: { store: memoryLeaseStore(), owner: 'sweep' },
      ...(withOwners && { targetOwners }),
    });
  }

  it('keeps a target a task took since the plan, removes the others, and says why', async () => {
    // Prepare
    const sweep = leased({ '10.0.1.9:8080': { taskArn: NEWCOMER, lastStatus: 'PENDING' } });

    // Act
    const [record] = await sweep.run([orphans()]);

    // Assess
    expect(record).toMatchObject({
      outcome: 'applied',
      action: { targets: [{ id: '10.0.1.8', port: 8080 }], basis: { inService: 4, removingHealthy: 1 } },
      kept: [
        { target: '10.0.1.9:8080', why: "task 9c0ffee0 of web (PENDING) holds it now, found under the group's lease" },
      ],
    });
    expect([...registered].sort()).toEqual(['10.0.1.1', '10.0.1.2', '10.0.1.9']);
    expect(auditLine(record as NonNullable<typeof record>)).toMatch(/; kept 10\.0\.1\.9:8080: task 9c0ffee0 of web/);
  });

  it('writes nothing when a task holds every target now', async () => {
    // Prepare
    const taken = { taskArn: NEWCOMER, lastStatus: 'RUNNING' };
    const sweep = leased({ '10.0.1.8:8080': taken, '10.0.1.9:8080': taken });

    // Act
    const [record] = await sweep.run([orphans()]);

    // Assess
    expect(record).toMatchObject({
      outcome: 'already-done',
      verification: {
        mode: 'read-back',
        ok: true,
        evidence: 'no target is an orphan any more (re-read under its lease)',
      },
      kept: [{ target: '10.0.1.8:8080' }, { target: '10.0.1.9:8080' }],
    });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)).toHaveLength(0);
  });

  it('reads the tasks of every service bound to the group, and none when the targets already left', async () => {
    // Prepare
    const api = { ...web, serviceName: 'api' };
    const sweep = leased({});

    // Act
    const [shared] = await sweep.run([orphans([web, api])]);
    const [gone] = await leased({}).run([orphans([web, api])]);

    // Assess
    expect(shared?.outcome).toBe('applied');
    expect(gone).toMatchObject({
      outcome: 'already-done',
      verification: {
        mode: 'read-back',
        ok: true,
        evidence: 'every target had already left the target group (re-read under its lease)',
      },
    });
    // nothing kept, so no list of kept targets on either record
    expect(shared).not.toHaveProperty('kept');
    expect(gone).not.toHaveProperty('kept');
    expect(ownerReads).toEqual(['web', 'api']);
  });

  it("reads no tasks for a removal that is not an orphan's", async () => {
    // Act
    const [record] = await leased({ '10.0.1.17:8080': { taskArn: NEWCOMER, lastStatus: 'RUNNING' } }).run([
      action({ targets: [{ id: '10.0.1.1', port: 8080 }] }),
    ]);

    // Assess
    expect(record?.outcome).toBe('applied');
    expect(ownerReads).toEqual([]);
  });

  it('removes no orphan it cannot prove unowned: without a way to read owners, the action fails', async () => {
    // Act
    const [record] = await leased({}, false).run([orphans()]);

    // Assess
    expect(record).toMatchObject({ outcome: 'failed', error: { name: 'MissingTargetOwnersError' } });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)).toHaveLength(0);
  });
});
