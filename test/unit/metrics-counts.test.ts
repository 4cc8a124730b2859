import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Action } from '#shared/executor/actions.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { auditMetricPoints, auditMetrics } from '#shared/executor/metrics.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-tg/0123456789abcdef';

function record(action: Record<string, unknown>, outcome: AuditRecord['outcome'], guard?: string): AuditRecord {
  return {
    action: action as unknown as Action,
    description: String(action.kind),
    outcome,
    why: 'test',
    ...(guard ? { guard: { rule: guard, why: 'refused' } } : {}),
    at: '2026-11-24T12:00:00.000Z',
    durationMs: 1,
  };
}
const deregistered = (n: number) =>
  record(
    {
      kind: 'deregister-targets',
      targetGroupArn: TG,
      targets: Array.from({ length: n }, (_, i) => ({ id: `10.0.0.${i}`, port: 80 })),
    },
    'applied',
  );
const scaled = (direction: 'out' | 'in', outcome: AuditRecord['outcome'] = 'applied') =>
  record({ kind: 'set-desired-count', direction }, outcome);

/** Everything written to stdout and stderr while `act` runs. */
function written(act: () => void): string {
  const out: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  }
  act();
  vi.restoreAllMocks();
  return out.join('');
}

describe('Metrics: what the executor did, counted', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('adds up the targets of every deregistration in one place, and counts scale actions by direction', () => {
    // Act
    const points = auditMetricPoints(
      [deregistered(1), deregistered(2), scaled('out'), scaled('out'), scaled('in'), scaled('in', 'failed')],
      'alarm-state-change',
    );

    // Assess
    expect(points).toEqual([
      { name: 'TargetsDeregistered', unit: 'Count', value: 3 },
      {
        name: 'TargetsDeregistered',
        unit: 'Count',
        value: 3,
        dimensions: { Account: '111122223333', Region: 'us-east-1' },
      },
      { name: 'ScaleActions', unit: 'Count', value: 2, dimensions: { Direction: 'out' } },
      { name: 'ScaleActions', unit: 'Count', value: 1, dimensions: { Direction: 'in' } },
    ]);
  });

  it('counts stopped tasks, and refusals by the guardrail that refused, among records without one', () => {
    // Act
    const points = auditMetricPoints(
      [
        record({ kind: 'stop-task' }, 'applied'),
        record({ kind: 'stop-task' }, 'applied'),
        record({ kind: 'stop-task' }, 'failed'),
        scaled('out', 'blocked'),
        record({ kind: 'stop-task' }, 'blocked', 'never-empty'),
      ],
      'task-state-change',
    );

    // Assess
    expect(points).toEqual([
      { name: 'TasksStopped', unit: 'Count', value: 2 },
      { name: 'GuardrailRefusals', unit: 'Count', value: 1, dimensions: { Guardrail: 'never-empty' } },
    ]);
  });

  it('counts a deregistration whose target group ARN cannot be read under an empty place, rather than failing', () => {
    // Act
    const points = auditMetricPoints(
      [
        record(
          { kind: 'deregister-targets', targetGroupArn: 'web-tg', targets: [{ id: '10.0.0.1', port: 80 }] },
          'applied',
        ),
      ],
      'task-state-change',
    );

    // Assess
    expect(points).toContainEqual({
      name: 'TargetsDeregistered',
      unit: 'Count',
      value: 1,
      dimensions: { Account: '', Region: '' },
    });
  });

  it("counts the reconciler's fixes only for the reconciler, and only when it applied one", () => {
    // Act
    const other = auditMetricPoints([record({ kind: 'tag-service' }, 'applied')], 'alarm-state-change');
    const nothingApplied = auditMetricPoints([record({ kind: 'tag-service' }, 'failed')], 'reconciler');

    // Assess
    expect([...other, ...nothingApplied]).toEqual([]);
  });
});

describe('Metrics: auditMetrics middleware', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('flushes the counts without dimensions too, such as stopped tasks', () => {
    // Prepare
    const metrics = new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });
    const audit = [record({ kind: 'stop-task' }, 'applied')];

    // Act
    const out = written(() => auditMetrics(metrics, 'task-state-change').after?.({ response: { audit } } as never));

    // Assess
    expect(out).toContain('"TasksStopped":1');
  });

  it("publishes nothing, not even another's stored metrics, for no response, no action or a failure of another kind", () => {
    // Prepare
    const metrics = new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });
    metrics.addMetric('SomethingElse', 'Count', 1);
    const middleware = auditMetrics(metrics, 'task-state-change');

    // Act
    const out = written(() => {
      middleware.after?.({ response: null } as never);
      middleware.after?.({ response: {} } as never);
      middleware.after?.({ response: { audit: [] } } as never);
      middleware.onError?.({ error: new Error('parse failed') } as never);
    });

    // Assess
    expect(out).toBe('');
    expect(metrics.hasStoredMetrics()).toBe(true);
  });
});
