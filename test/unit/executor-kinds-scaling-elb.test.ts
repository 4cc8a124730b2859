import {
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  InvalidTargetException,
  type TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeregisterTargetsAction, SetScalableTargetBoundsAction } from '#shared/executor/actions.js';
import { setScalableTargetBounds } from '#shared/executor/kinds/application-auto-scaling.js';
import { deregisterTargets } from '#shared/executor/kinds/elbv2.js';
import { TG_WEB } from '#test/support/builders.js';
import {
  accepted,
  autoScaling,
  autoScalingMock,
  elbv2,
  elbv2Mock,
  resetKindMocks,
  subject,
} from '#test/support/executor-kinds.js';

const bounds: SetScalableTargetBoundsAction = {
  kind: 'set-scalable-target-bounds',
  subject,
  resourceId: 'service/prod/web',
  from: { min: 2, max: 8 },
  to: { min: 5, max: 8 },
  why: 'keep capacity',
};
const deregister: DeregisterTargetsAction = {
  kind: 'deregister-targets',
  subject,
  targetGroupArn: TG_WEB,
  targets: [
    { id: '10.0.1.1', port: 8080 },
    { id: '10.0.1.2', port: 8080 },
  ],
  why: 'stopped',
  basis: { inService: 4, healthy: 4, removingHealthy: 2 },
};

const healthOf = (...targets: Array<[string, TargetHealthStateEnum]>) => ({
  TargetHealthDescriptions: targets.map(([id, state]) => ({
    Target: { Id: id, Port: 8080 },
    TargetHealth: { State: state },
  })),
});

beforeEach(resetKindMocks);

describe('Executor kinds: Application Auto Scaling', () => {
  it("registers the scalable target's new bounds and reads both back", async () => {
    // Prepare
    autoScalingMock.on(RegisterScalableTargetCommand).resolves({});
    autoScalingMock
      .on(DescribeScalableTargetsCommand)
      .resolvesOnce({ ScalableTargets: [{ MinCapacity: 5, MaxCapacity: 8 } as never] })
      .resolvesOnce({ ScalableTargets: [{ MinCapacity: 5, MaxCapacity: 9 } as never] })
      .resolvesOnce({ ScalableTargets: [{ MinCapacity: 2, MaxCapacity: 8 } as never] })
      .resolvesOnce({});

    // Act
    const applied = await setScalableTargetBounds.apply(bounds, { autoScaling });
    const checks = [];
    for (let i = 0; i < 4; i += 1)
      checks.push(await setScalableTargetBounds.verify(bounds, { autoScaling }, 'read-back', applied));

    // Assess
    expect(autoScalingMock.commandCalls(RegisterScalableTargetCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: 'service/prod/web',
      MinCapacity: 5,
      MaxCapacity: 8,
    });
    expect(autoScalingMock.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceIds: ['service/prod/web'],
    });
    expect(applied).toEqual({ changed: true, evidence: 'RegisterScalableTarget accepted' });
    expect(checks).toEqual([
      { ok: true, evidence: 'read back: min 5, max 8' },
      { ok: false, evidence: 'read back: min 5, max 9' },
      { ok: false, evidence: 'read back: min 2, max 8' },
      { ok: false, evidence: 'read back: min undefined, max undefined' },
    ]);
  });
});

describe('Executor kinds: ELB deregistration', () => {
  it('deregisters the targets in one call and says how many', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).resolves({});

    // Act
    const applied = await deregisterTargets.apply(deregister, { elbv2 });

    // Assess
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)[0]?.args[0].input).toEqual({
      TargetGroupArn: TG_WEB,
      Targets: [
        { Id: '10.0.1.1', Port: 8080 },
        { Id: '10.0.1.2', Port: 8080 },
      ],
    });
    expect(applied).toEqual({ changed: true, evidence: 'DeregisterTargets accepted 2 target(s)' });
  });

  it('lets any error but an invalid target through untouched', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    elbv2Mock.on(DeregisterTargetsCommand).rejects(throttled);

    // Act
    const outcome = deregisterTargets.apply(deregister, { elbv2 });

    // Assess
    await expect(outcome).rejects.toThrow('slow down');
    expect(elbv2Mock.commandCalls(DescribeTargetHealthCommand)).toHaveLength(0);
  });

  it('writes nothing more when every target had already left', async () => {
    // Prepare
    elbv2Mock.on(DeregisterTargetsCommand).rejects(new InvalidTargetException({ message: 'gone', $metadata: {} }));
    elbv2Mock.on(DescribeTargetHealthCommand).resolves(healthOf(['10.0.1.1', 'draining'], ['10.0.1.2', 'draining']));

    // Act
    const applied = await deregisterTargets.apply(deregister, { elbv2 });

    // Assess
    expect(applied).toEqual({ changed: false, evidence: 'every target had already left the target group' });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)).toHaveLength(1);
  });

  it('deregisters again only the targets still registered, even when the SDK had retried the call', async () => {
    // Prepare
    const refused = new InvalidTargetException({ message: 'one left', $metadata: { attempts: 2 } });
    elbv2Mock.on(DeregisterTargetsCommand).rejectsOnce(refused).resolves({});
    elbv2Mock.on(DescribeTargetHealthCommand).resolves(healthOf(['10.0.1.1', 'draining'], ['10.0.1.2', 'healthy']));

    // Act
    const applied = await deregisterTargets.apply(deregister, { elbv2 });

    // Assess
    expect(applied).toEqual({ changed: true, evidence: 'DeregisterTargets accepted 1 target(s) still registered' });
    expect(elbv2Mock.commandCalls(DeregisterTargetsCommand)[1]?.args[0].input).toEqual({
      TargetGroupArn: TG_WEB,
      Targets: [{ Id: '10.0.1.2', Port: 8080 }],
    });
  });

  it('reads back the targets: ok once none is in service, naming the ones still in service otherwise', async () => {
    // Prepare
    elbv2Mock
      .on(DescribeTargetHealthCommand)
      .resolvesOnce(healthOf(['10.0.1.1', 'draining'], ['10.0.1.2', 'draining']))
      .resolvesOnce(healthOf(['10.0.1.1', 'draining'], ['10.0.1.2', 'healthy']));

    // Act
    const done = await deregisterTargets.verify(deregister, { elbv2 }, 'read-back', accepted);
    const lingering = await deregisterTargets.verify(deregister, { elbv2 }, 'read-back', accepted);

    // Assess
    expect(elbv2Mock.commandCalls(DescribeTargetHealthCommand)[0]?.args[0].input).toEqual({
      TargetGroupArn: TG_WEB,
      Targets: [
        { Id: '10.0.1.1', Port: 8080 },
        { Id: '10.0.1.2', Port: 8080 },
      ],
    });
    expect(done).toEqual({ ok: true, evidence: 'read back: 10.0.1.1:8080 draining, 10.0.1.2:8080 draining' });
    expect(lingering).toEqual({ ok: false, evidence: 'still in service after the write: 10.0.1.2:8080 healthy' });
  });

  it('takes the acknowledgement as the verification when so configured, reading nothing', async () => {
    expect(await deregisterTargets.verify(deregister, { elbv2 }, 'acknowledged', accepted)).toEqual({
      ok: true,
      evidence: 'accepted',
    });
    expect(elbv2Mock.commandCalls(DescribeTargetHealthCommand)).toHaveLength(0);
  });
});
