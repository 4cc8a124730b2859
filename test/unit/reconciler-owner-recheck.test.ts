import { describe, expect, it } from 'vitest';
import { planReconcile } from '#shared/reconciler/plan.js';
import type { ServiceState } from '#shared/services/types.js';
import { health, TG_WEB } from '#test/support/builders.js';
import { now, running, service, stopped } from '#test/support/reconciler-fixtures.js';

describe('Reconciler: planReconcile, whose owners each orphan removal reads again', () => {
  it('asks every service bound to a shared target group, and only its binding there, to be read again before the write', () => {
    // Prepare: web uses the shared group and one of its own; api uses the shared group only
    const own = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-admin/0000000000000001';
    const web: ServiceState = {
      ...service,
      loadBalancers: [...service.loadBalancers, { targetGroupArn: own, containerName: 'app', containerPort: 9090 }],
    };
    const api: ServiceState = {
      ...service,
      serviceName: 'api',
      loadBalancers: [{ targetGroupArn: TG_WEB, containerName: 'api', containerPort: 8080 }],
    };

    // Act
    const result = planReconcile({
      services: [
        { service: web, running: [running('10.0.1.1')], stopped: [stopped('10.0.1.9', '2026-11-24T11:00:00Z')] },
        { service: api, running: [], stopped: [] },
      ],
      health: new Map([
        [
          TG_WEB,
          health(TG_WEB, [
            ['10.0.1.1', 8080, 'healthy'],
            ['10.0.1.9', 8080, 'healthy'],
          ]),
        ],
      ]),
      ec2InstanceIds: new Map(),
      graceSeconds: 600,
      now,
    });

    // Assess
    expect(result.actions.map((a) => a.unownedBy)).toEqual([
      [
        { clusterName: 'prod', serviceName: 'web', loadBalancers: service.loadBalancers },
        { clusterName: 'prod', serviceName: 'api', loadBalancers: api.loadBalancers },
      ],
    ]);
  });

  it('asks a bystander bound to the group (tagged disabled, or unreadable) to be read again too, though it was not swept', () => {
    // Act
    const bystander = { clusterName: 'prod', serviceName: 'admin', loadBalancers: service.loadBalancers };
    const result = planReconcile({
      services: [{ service, running: [running('10.0.1.1')], stopped: [stopped('10.0.1.9', '2026-11-24T11:00:00Z')] }],
      bystanders: [bystander, { ...bystander, serviceName: 'elsewhere', loadBalancers: [] }],
      health: new Map([
        [
          TG_WEB,
          health(TG_WEB, [
            ['10.0.1.1', 8080, 'healthy'],
            ['10.0.1.9', 8080, 'healthy'],
          ]),
        ],
      ]),
      ec2InstanceIds: new Map(),
      graceSeconds: 600,
      now,
    });

    // Assess
    expect(result.actions.map((a) => a.unownedBy?.map((s) => s.serviceName))).toEqual([['web', 'admin']]);
  });
});
