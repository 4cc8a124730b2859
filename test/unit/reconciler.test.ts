import { describe, expect, it } from 'vitest';
import { planReconcile } from '#shared/reconciler/plan.js';
import type { ServiceState } from '#shared/services/types.js';
import { health, TG_WEB } from '#test/support/builders.js';
import { now, plan, running, service, task } from '#test/support/reconciler-fixtures.js';

describe('Reconciler: planReconcile', () => {
  it('deregisters a target whose task stopped past the grace period and that no running task owns', () => {
    // Act
    const result = plan(
      [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.2', 8080, 'healthy'],
        ['10.0.1.9', 8080, 'unhealthy'],
      ],
      ['10.0.1.1', '10.0.1.2'],
      [['10.0.1.9', '2026-11-24T11:00:00Z']],
    );

    // Assess
    expect(result.actions).toHaveLength(1);
    expect(result.actions[0]).toMatchObject({
      targetGroupArn: TG_WEB,
      targets: [{ id: '10.0.1.9', port: 8080 }],
      basis: { inService: 3, healthy: 2, removingHealthy: 0 },
    });
  });

  it('waits for the grace period, and for a stop time it does not know', () => {
    // Act
    const result = plan(
      [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.9', 8080, 'healthy'],
      ],
      ['10.0.1.1'],
      [['10.0.1.9', '2026-11-24T11:58:00Z']],
    );

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.findings.youngOrphans).toEqual([expect.objectContaining({ target: '10.0.1.9:8080' })]);
  });

  it('keeps a target a running task owns, even when an older stopped task had the same address', () => {
    // Act
    const result = plan([['10.0.1.1', 8080, 'healthy']], ['10.0.1.1'], [['10.0.1.1', '2026-11-24T10:00:00Z']]);

    // Assess
    expect(result.actions).toEqual([]);
  });

  it('reports, and never removes, a target that no known task owns', () => {
    // Act
    const result = plan(
      [
        ['10.0.1.1', 8080, 'healthy'],
        ['192.168.7.7', 80, 'healthy'],
      ],
      ['10.0.1.1'],
      [],
    );

    // Assess
    expect(result.actions).toEqual([]);
    expect(result.findings.unknownTargets).toEqual([
      { targetGroupArn: TG_WEB, target: '192.168.7.7:80', state: 'healthy' },
    ]);
  });

  it('reports a running task whose target is not registered', () => {
    // Act
    const result = plan([['10.0.1.1', 8080, 'healthy']], ['10.0.1.1', '10.0.1.2'], []);

    // Assess
    expect(result.findings.missingTasks).toEqual([
      expect.objectContaining({ serviceName: 'web', target: '10.0.1.2:8080', targetGroupArn: TG_WEB }),
    ]);
  });

  it('ignores draining targets: they are already leaving', () => {
    const result = plan([['10.0.1.9', 8080, 'draining']], [], [['10.0.1.9', '2026-11-24T10:00:00Z']]);
    expect(result.actions).toEqual([]);
    expect(result.findings.unknownTargets).toEqual([]);
  });
});

describe('Reconciler: planReconcile, what each finding and action says', () => {
  it('names every orphan of a group in one action, with the service it belongs to and the grace period', () => {
    // Act
    const result = plan(
      [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.2', 8080, 'healthy'],
        ['10.0.1.8', 8080, 'unhealthy'],
        ['10.0.1.9', 8080, 'healthy'],
      ],
      ['10.0.1.1', '10.0.1.2'],
      [
        ['10.0.1.8', '2026-11-24T11:00:00Z'],
        ['10.0.1.9', '2026-11-24T11:00:00Z'],
      ],
    );

    // Assess
    expect(result).toEqual({
      actions: [
        {
          kind: 'deregister-targets',
          subject: { clusterName: 'prod', serviceName: 'web' },
          targetGroupArn: TG_WEB,
          targets: [
            { id: '10.0.1.8', port: 8080 },
            { id: '10.0.1.9', port: 8080 },
          ],
          why: 'orphan target(s) 10.0.1.8:8080, 10.0.1.9:8080: their task stopped more than 600 s ago and nothing removed them',
          basis: { inService: 4, healthy: 3, removingHealthy: 1 },
          unownedBy: [{ clusterName: 'prod', serviceName: 'web', loadBalancers: service.loadBalancers }],
        },
      ],
      findings: { unknownTargets: [], youngOrphans: [], missingTasks: [] },
    });
  });

  it('removes an orphan whose task stopped exactly the grace period ago', () => {
    const result = plan(
      [
        ['10.0.1.1', 8080, 'healthy'],
        ['10.0.1.9', 8080, 'healthy'],
      ],
      ['10.0.1.1'],
      [['10.0.1.9', '2026-11-24T11:50:00Z']],
    );
    expect(result.actions.map((a) => a.targets)).toEqual([[{ id: '10.0.1.9', port: 8080 }]]);
  });

  it('waits for a stop time it does not know, and reads the stopping time when the stop time is missing', () => {
    // Prepare
    const unknown = task('10.0.1.8', { lastStatus: 'STOPPED', stoppedAt: undefined, stoppingAt: undefined });
    const stopping = task('10.0.1.9', {
      lastStatus: 'STOPPED',
      stoppedAt: undefined,
      stoppingAt: '2026-11-24T11:00:00Z',
    });

    // Act
    const result = planReconcile({
      services: [{ service, running: [running('10.0.1.1')], stopped: [unknown, stopping] }],
      health: new Map([
        [
          TG_WEB,
          health(TG_WEB, [
            ['10.0.1.1', 8080, 'healthy'],
            ['10.0.1.8', 8080, 'healthy'],
            ['10.0.1.9', 8080, 'healthy'],
          ]),
        ],
      ]),
      ec2InstanceIds: new Map(),
      graceSeconds: 600,
      now,
    });

    // Assess
    expect(result.findings.youngOrphans).toEqual([
      { targetGroupArn: TG_WEB, target: '10.0.1.8:8080', taskArn: unknown.taskArn },
    ]);
    expect(result.actions.map((a) => a.targets)).toEqual([[{ id: '10.0.1.9', port: 8080 }]]);
  });

  it('reports an unknown target of a group where no task of the service runs', () => {
    const result = plan([['192.168.7.7', 80, 'unhealthy']], [], []);
    expect(result.findings.unknownTargets).toEqual([
      { targetGroupArn: TG_WEB, target: '192.168.7.7:80', state: 'unhealthy' },
    ]);
  });

  it('finds nothing missing when every running task is registered among others', () => {
    expect(
      plan(
        [
          ['10.0.1.1', 8080, 'healthy'],
          ['10.0.1.2', 8080, 'healthy'],
          ['10.0.1.3', 8080, 'initial'],
        ],
        ['10.0.1.1', '10.0.1.2', '10.0.1.3'],
        [],
      ).findings,
    ).toEqual({ unknownTargets: [], youngOrphans: [], missingTasks: [] });
  });

  it('reports a running task whose target is draining, and none that is still starting', () => {
    // Prepare
    const pending = task('10.0.1.3', { lastStatus: 'PENDING', desiredStatus: 'RUNNING' });

    // Act
    const result = planReconcile({
      services: [{ service, running: [running('10.0.1.1'), running('10.0.1.2'), pending], stopped: [] }],
      health: new Map([
        [
          TG_WEB,
          health(TG_WEB, [
            ['10.0.1.1', 8080, 'healthy'],
            ['10.0.1.2', 8080, 'draining'],
          ]),
        ],
      ]),
      ec2InstanceIds: new Map(),
      graceSeconds: 600,
      now,
    });

    // Assess
    expect(result.findings.missingTasks).toEqual([
      { serviceName: 'web', targetGroupArn: TG_WEB, target: '10.0.1.2:8080', taskArn: running('10.0.1.2').taskArn },
    ]);
  });

  it('reports a running task as missing from a target group of its service that was not observed at all', () => {
    // Prepare
    const other = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-admin/0000000000000001';
    const twoGroups: ServiceState = {
      ...service,
      loadBalancers: [...service.loadBalancers, { targetGroupArn: other, containerName: 'app', containerPort: 9090 }],
    };

    // Act
    const result = planReconcile({
      services: [{ service: twoGroups, running: [running('10.0.1.1')], stopped: [] }],
      health: new Map([[TG_WEB, health(TG_WEB, [['10.0.1.1', 8080, 'healthy']])]]),
      ec2InstanceIds: new Map(),
      graceSeconds: 600,
      now,
    });

    // Assess
    expect(result.findings.missingTasks).toEqual([
      { serviceName: 'web', targetGroupArn: other, target: '10.0.1.1:9090', taskArn: running('10.0.1.1').taskArn },
    ]);
  });
});
