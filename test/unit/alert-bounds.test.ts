import { describe, expect, it } from 'vitest';
import { planScaling } from '#shared/alarms/plan.js';
import { alarmAlert } from '#shared/alarms/report.js';
import { AlarmRuleSchema } from '#shared/config/schema.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { AlertSchema } from '#shared/notify/alert-schema.js';
import { ALERT_LIMITS, boundAlert } from '#shared/notify/bound.js';
import type { ServiceState } from '#shared/services/types.js';
import * as v from '#shared/validation/input-schema.js';
import { loadEvent } from '#test/support/fixtures.js';

const service: ServiceState = {
  serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
  clusterName: 'prod',
  serviceName: 'web',
  desiredCount: 5,
  runningCount: 5,
  loadBalancers: [],
  tags: {},
  disabledByTag: false,
};

/** The CPU sample with a reason of a megabyte, as an alarm's author can make it. */
function hugeReasonEvent() {
  const event = loadEvent('alarm-service-cpu-high') as { detail: { state: { reason: string } } };
  event.detail.state.reason = `Threshold Crossed: ${'x'.repeat(1_048_576)}`;
  return v.parse(AlarmStateChangeEventSchema, event);
}

const applied = {
  outcome: 'applied',
  description: 'set the desired count of prod/web from 4 to 5',
  verification: { evidence: 'desired count 5' },
} as unknown as AuditRecord;

describe('Alerts: bounded by construction', () => {
  it('keeps the alert of a megabyte-reason alarm small, with what was done in full', () => {
    // Act
    const alert = boundAlert(
      alarmAlert({ event: hugeReasonEvent(), reaction: 'scale-out', audit: [applied], notes: [], dryRun: false }),
    );

    // Assess
    expect(Buffer.byteLength(JSON.stringify(alert))).toBeLessThan(ALERT_LIMITS.bytes);
    expect(alert.description).toMatch(/more characters truncated\]/);
    expect(alert.description).toMatch(/• set the desired count of prod\/web from 4 to 5 \(verified: desired count 5\)/);
    expect(v.parse(AlertSchema, alert)).toEqual(alert);
  });

  it('cuts any oversized field with a marker and leaves the facts alone', () => {
    // Prepare
    const big = alarmAlert({ event: hugeReasonEvent(), reaction: 'scale-out', audit: [], notes: [], dryRun: false });
    const huge = {
      ...big,
      title: 't'.repeat(5_000),
      description: 'd\n'.repeat(50_000),
      nextSteps: ['n'.repeat(9_000)],
    };

    // Act
    const alert = boundAlert(huge);

    // Assess
    expect(alert.title).toHaveLength(ALERT_LIMITS.title);
    expect(alert.description.length).toBeLessThanOrEqual(ALERT_LIMITS.description);
    expect(alert.description).toMatch(/more line\(s\) truncated\]$/);
    expect(alert.nextSteps[0]).toHaveLength(ALERT_LIMITS.item);
    expect({ ...alert, title: '', description: '', nextSteps: [] }).toEqual({
      ...huge,
      title: '',
      description: '',
      nextSteps: [],
    });
  });
});

describe('Alarms: a retried scaling alarm', () => {
  it('reports the change its earlier attempt made instead of making another', () => {
    // Prepare: the first attempt recorded 4 → 5 at 12:00:05, scaled, and then failed to queue its alert
    const rule = AlarmRuleSchema.parse({ reaction: 'scale-out', step: 1 });
    if (rule.reaction !== 'scale-out' && rule.reaction !== 'scale-in') throw new Error('unreachable');
    const scaled = { ...service, desiredCount: 5 };

    // Act
    const plan = planScaling({
      rule,
      service: scaled,
      bounds: { minCount: 1, maxCount: 5 },
      scalable: undefined,
      now: new Date('2026-11-24T12:01:00Z'),
      episode: { direction: 'out', from: 4, to: 5, decidedAt: '2026-11-24T12:00:05.000Z' },
      why: 'cpu',
    });

    // Assess
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual([
      'this alarm episode scaled web out from 4 to 5 tasks (decided 2026-11-24T12:00:05.000Z); it runs 5 desired tasks now (reported, not changed twice)',
    ]);
  });
});
