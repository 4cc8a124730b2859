import { describe, expect, it } from 'vitest';
import type {
  DeregisterTargetsAction,
  SetDesiredCountAction,
  SetScalableTargetBoundsAction,
} from '#shared/executor/actions.js';
import { guard } from '#shared/executor/guardrails.js';
import { TG_WEB } from '#test/support/builders.js';

const subject = { clusterName: 'prod', serviceName: 'web' };
const target = (n: number) => ({ id: `10.0.1.${n}`, port: 8080 });

function deregister(
  basis: DeregisterTargetsAction['basis'],
  removing = 1,
  policy?: DeregisterTargetsAction['policy'],
): DeregisterTargetsAction {
  return {
    kind: 'deregister-targets',
    subject,
    targetGroupArn: TG_WEB,
    targets: Array.from({ length: removing }, (_, i) => target(i + 1)),
    why: 'test',
    basis,
    ...(policy ? { policy } : {}),
  };
}

function scale(
  from: number,
  to: number,
  direction: 'out' | 'in',
  bounds = { min: 2, max: 10 },
  lastScaledAt?: string,
): SetDesiredCountAction {
  return {
    kind: 'set-desired-count',
    subject,
    clusterName: 'prod',
    serviceName: 'web',
    from,
    to,
    direction,
    why: 'test',
    basis: {
      bounds,
      direction,
      cooldownSeconds: 300,
      now: '2026-11-24T12:10:00.000Z',
      ...(lastScaledAt ? { lastScaledAt } : {}),
    },
  };
}

function bounds(
  to: { min: number; max: number },
  from = { min: 2, max: 10 },
  cooldown?: SetScalableTargetBoundsAction['cooldown'],
): SetScalableTargetBoundsAction {
  return {
    kind: 'set-scalable-target-bounds',
    subject,
    resourceId: 'service/prod/web',
    from,
    to,
    why: 'test',
    ...(cooldown ? { cooldown } : {}),
  };
}

describe('Guardrails: never-empty', () => {
  it('refuses to remove the last registered target, saying how many would remain', () => {
    // Act
    const verdict = guard(deregister({ inService: 1, healthy: 1, removingHealthy: 1 }));

    // Assess
    expect(verdict).toEqual({
      allowed: false,
      rule: 'never-empty',
      why: 'it would leave the target group with 0 registered targets (it has 1)',
    });
  });

  it('counts no fewer than zero remaining when asked to remove more targets than are in service', () => {
    // Act
    const verdict = guard(deregister({ inService: 2, healthy: 2, removingHealthy: 2 }, 3));

    // Assess
    expect(verdict).toMatchObject({ why: 'it would leave the target group with 0 registered targets (it has 2)' });
  });

  it('allows a removal that leaves one registered target', () => {
    expect(guard(deregister({ inService: 2, healthy: 2, removingHealthy: 1 }))).toEqual({ allowed: true });
  });

  it('allows removing what is left of a target group with nothing in service, which cannot empty it further', () => {
    expect(guard(deregister({ inService: 0, healthy: 0, removingHealthy: 0 }))).toEqual({ allowed: true });
  });
});

describe('Guardrails: all-unhealthy', () => {
  it('refuses when every target is unhealthy and the policy keeps them', () => {
    // Act
    const verdict = guard(
      deregister({ inService: 3, healthy: 0, removingHealthy: 0 }, 1, { keepWhenAllUnhealthy: true }),
    );

    // Assess
    expect(verdict).toEqual({
      allowed: false,
      rule: 'all-unhealthy',
      why: 'all 3 targets are unhealthy: the ALB fails open, which beats no target',
    });
  });

  it('allows removing an unhealthy target when the policy does not ask to keep them', () => {
    expect(guard(deregister({ inService: 3, healthy: 0, removingHealthy: 0 }))).toEqual({ allowed: true });
  });

  it('allows removing an unhealthy target while another is healthy', () => {
    const verdict = guard(
      deregister({ inService: 3, healthy: 1, removingHealthy: 0 }, 1, { keepWhenAllUnhealthy: true }),
    );
    expect(verdict).toEqual({ allowed: true });
  });

  it('does not judge a target group with nothing in service as all unhealthy', () => {
    const verdict = guard(
      deregister({ inService: 0, healthy: 0, removingHealthy: 0 }, 1, { keepWhenAllUnhealthy: true }),
    );
    expect(verdict).toEqual({ allowed: true });
  });
});

describe('Guardrails: min-healthy', () => {
  it('refuses a removal that leaves fewer healthy targets than asked for, counting what remains', () => {
    // Act
    const verdict = guard(deregister({ inService: 4, healthy: 3, removingHealthy: 2 }, 2, { minHealthy: 2 }));

    // Assess
    expect(verdict).toEqual({
      allowed: false,
      rule: 'min-healthy',
      why: 'only 1 healthy target(s) would remain, fewer than minHealthy 2',
    });
  });

  it('allows a removal that leaves exactly the minimum', () => {
    const verdict = guard(deregister({ inService: 4, healthy: 3, removingHealthy: 1 }, 1, { minHealthy: 2 }));
    expect(verdict).toEqual({ allowed: true });
  });

  it('allows any removal when no minimum is asked for', () => {
    expect(guard(deregister({ inService: 4, healthy: 1, removingHealthy: 1 }))).toEqual({ allowed: true });
  });
});

describe('Guardrails: min-max', () => {
  it('refuses a desired count below the lower bound, naming the bounds', () => {
    expect(guard(scale(3, 1, 'in'))).toEqual({
      allowed: false,
      rule: 'min-max',
      why: '1 tasks is outside the bounds 2-10',
    });
  });

  it('refuses a desired count above the upper bound', () => {
    expect(guard(scale(10, 11, 'out'))).toMatchObject({ allowed: false, rule: 'min-max' });
  });

  it('allows a desired count at either bound', () => {
    expect(guard(scale(3, 2, 'in'))).toEqual({ allowed: true });
    expect(guard(scale(9, 10, 'out'))).toEqual({ allowed: true });
  });

  it('refuses a scale-out that lowers or keeps the count, and a scale-in that raises it', () => {
    expect(guard(scale(5, 4, 'out'))).toEqual({
      allowed: false,
      rule: 'min-max',
      why: 'scaling out from 5 to 4 goes the wrong way',
    });
    expect(guard(scale(5, 5, 'out'))).toMatchObject({ allowed: false, rule: 'min-max' });
    expect(guard(scale(5, 6, 'in'))).toMatchObject({ allowed: false, rule: 'min-max' });
  });
});

describe('Guardrails: cooldown', () => {
  it('refuses a second change in one direction inside the cooldown, saying when the last was', () => {
    expect(guard(scale(4, 5, 'out', undefined, '2026-11-24T12:06:00.000Z'))).toEqual({
      allowed: false,
      rule: 'cooldown',
      why: 'last scale-out was 240 s ago; the cooldown is 300 s',
    });
  });

  it('allows the change once the cooldown has passed exactly', () => {
    expect(guard(scale(4, 5, 'out', undefined, '2026-11-24T12:05:00.000Z'))).toEqual({ allowed: true });
  });

  it('allows a first change in a direction', () => {
    expect(guard(scale(4, 5, 'out'))).toEqual({ allowed: true });
  });

  it('refuses a change when the last time in that direction cannot be read, naming it', () => {
    expect(guard(scale(4, 5, 'out', undefined, 'yesterday'))).toEqual({
      allowed: false,
      rule: 'cooldown',
      why: 'the last scale-out time "yesterday" cannot be read',
    });
  });
});

describe('Guardrails: scalable-target-bounds', () => {
  it('refuses a negative min, naming the bounds', () => {
    expect(guard(bounds({ min: -1, max: 10 }))).toEqual({
      allowed: false,
      rule: 'scalable-target-bounds',
      why: "min -1, max 10 would pass the scalable target's own bounds (max 10)",
    });
  });

  it('allows a min of zero and a min equal to the max', () => {
    expect(guard(bounds({ min: 0, max: 10 }))).toEqual({ allowed: true });
    expect(guard(bounds({ min: 10, max: 10 }))).toEqual({ allowed: true });
  });

  it('refuses a min above the max', () => {
    expect(guard(bounds({ min: 6, max: 5 }, { min: 2, max: 5 }))).toMatchObject({ allowed: false });
  });

  it('refuses to raise the max, and allows keeping it', () => {
    expect(guard(bounds({ min: 2, max: 11 }))).toMatchObject({ allowed: false, rule: 'scalable-target-bounds' });
    expect(guard(bounds({ min: 3, max: 10 }))).toEqual({ allowed: true });
  });

  it('holds a bounds move that is part of a scaling step to the same cooldown', () => {
    // Act
    const verdict = guard(
      bounds({ min: 5, max: 10 }, undefined, {
        direction: 'out',
        cooldownSeconds: 300,
        lastScaledAt: '2026-11-24T12:09:00.000Z',
        now: '2026-11-24T12:10:00.000Z',
      }),
    );

    // Assess
    expect(verdict).toMatchObject({ allowed: false, rule: 'cooldown' });
  });
});

describe('Guardrails: other kinds', () => {
  it('lets stopping a task and tagging a service through: their prerequisites guard them', () => {
    // Prepare
    const stop = {
      kind: 'stop-task',
      subject,
      clusterName: 'prod',
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/0123456789abcdef0123456789abcdef',
      reason: 'test',
      why: 'test',
    } as const;
    const tag = { kind: 'tag-service', subject, serviceArn: 'arn', tags: { a: 'b' }, why: 'test' } as const;

    // Assess
    expect(guard(stop)).toEqual({ allowed: true });
    expect(guard(tag)).toEqual({ allowed: true });
  });
});
