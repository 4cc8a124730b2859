import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Action } from '#shared/executor/actions.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { ActionsFailedError } from '#shared/executor/errors.js';
import { auditMetricPoints, auditMetrics } from '#shared/executor/metrics.js';
import { canaryMetricPoints, emitMetricPoints, eventMetrics } from '#shared/logging/metrics.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-tg/0123456789abcdef';

function record(
  action: Partial<Action> & { kind: Action['kind'] },
  outcome: AuditRecord['outcome'],
  guard?: string,
): AuditRecord {
  return {
    action: action as Action,
    description: action.kind,
    outcome,
    why: 'test',
    ...(guard ? { guard: { rule: guard, why: 'refused' } } : {}),
    at: '2026-11-24T12:00:00.000Z',
    durationMs: 1,
  };
}

/** The EMF documents written to stdout while `act` runs and the metrics are flushed. */
function emfLines(act: (metrics: Metrics) => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const metrics = new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });
  act(metrics);
  metrics.publishStoredMetrics();
  spy.mockRestore();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l));
}

const metricNames = (doc: Record<string, unknown>) =>
  ((doc._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]?.Metrics ?? []).map(
    (m) => m.Name,
  );

describe('Metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts targets deregistered, scale actions and refusals by guardrail from an audit record', () => {
    // Prepare
    const audit = [
      record(
        {
          kind: 'deregister-targets',
          targetGroupArn: TG,
          targets: [
            { id: '10.0.0.1', port: 80 },
            { id: '10.0.0.2', port: 80 },
          ],
        } as never,
        'applied',
      ),
      record(
        { kind: 'deregister-targets', targetGroupArn: TG, targets: [{ id: '10.0.0.3', port: 80 }] } as never,
        'blocked',
        'never-empty',
      ),
      record({ kind: 'set-desired-count', direction: 'out' } as never, 'applied'),
      record({ kind: 'set-desired-count', direction: 'in' } as never, 'blocked', 'cooldown'),
      record(
        { kind: 'deregister-targets', targetGroupArn: TG, targets: [{ id: '10.0.0.4', port: 80 }] } as never,
        'dry-run',
      ),
    ];

    // Act
    const points = auditMetricPoints(audit, 'alarm-state-change');

    // Assess
    expect(points).toEqual([
      { name: 'TargetsDeregistered', unit: 'Count', value: 2 },
      {
        name: 'TargetsDeregistered',
        unit: 'Count',
        value: 2,
        dimensions: { Account: '111122223333', Region: 'us-east-1' },
      },
      { name: 'ScaleActions', unit: 'Count', value: 1, dimensions: { Direction: 'out' } },
      { name: 'GuardrailRefusals', unit: 'Count', value: 1, dimensions: { Guardrail: 'never-empty' } },
      { name: 'GuardrailRefusals', unit: 'Count', value: 1, dimensions: { Guardrail: 'cooldown' } },
    ]);
  });

  it('counts deregistered targets per account and region beside the total', () => {
    // Prepare
    const member = TG.replace('us-east-1:111122223333', 'eu-west-1:222222222222');
    const deregistered = (targetGroupArn: string, n: number) =>
      record(
        {
          kind: 'deregister-targets',
          targetGroupArn,
          targets: Array.from({ length: n }, (_, i) => ({ id: `10.0.0.${i}`, port: 80 })),
        } as never,
        'applied',
      );

    // Act
    const points = auditMetricPoints([deregistered(TG, 1), deregistered(member, 2)], 'reconciler');

    // Assess
    expect(points.filter((p) => p.name === 'TargetsDeregistered')).toEqual([
      { name: 'TargetsDeregistered', unit: 'Count', value: 3 },
      {
        name: 'TargetsDeregistered',
        unit: 'Count',
        value: 1,
        dimensions: { Account: '111122223333', Region: 'us-east-1' },
      },
      {
        name: 'TargetsDeregistered',
        unit: 'Count',
        value: 2,
        dimensions: { Account: '222222222222', Region: 'eu-west-1' },
      },
    ]);
  });

  it("counts the reconciler's applied actions as its fixes", () => {
    // Act
    const points = auditMetricPoints(
      [
        record(
          { kind: 'deregister-targets', targetGroupArn: TG, targets: [{ id: '10.0.0.1', port: 80 }] } as never,
          'applied',
        ),
      ],
      'reconciler',
    );

    // Assess
    expect(points).toContainEqual({ name: 'ReconcilerFixes', unit: 'Count', value: 1 });
  });

  it('counts what an invocation failed by a failed action still applied', () => {
    // Prepare: the targets left, then stopping their task failed, which fails the invocation
    const audit = [
      record({ kind: 'deregister-targets', targetGroupArn: TG, targets: [{ id: '10.0.1.17', port: 8080 }] }, 'applied'),
      record({ kind: 'stop-task' }, 'failed'),
    ];
    const error = new ActionsFailedError({ audit });

    // Act
    const docs = emfLines((metrics) => auditMetrics(metrics, 'alarm-state-change').onError?.({ error } as never));

    // Assess
    expect(docs).toHaveLength(2);
    expect(docs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ TargetsDeregistered: 1 }),
        expect.objectContaining({ TargetsDeregistered: 1, Account: '111122223333', Region: 'us-east-1' }),
      ]),
    );
  });

  it('publishes a scale action, a line of its own, without warning that nothing else was published', () => {
    // Prepare
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    }
    const metrics = new Metrics({ namespace: 'ecs-autopilot', serviceName: 'ecs-autopilot' });
    const audit = [record({ kind: 'set-desired-count', direction: 'out' }, 'applied')];

    // Act
    auditMetrics(metrics, 'alarm-state-change').after?.({ response: { audit } } as never);

    // Assess
    expect(written.join('')).toContain('"ScaleActions":1');
    expect(written.join('')).not.toContain('No application metrics to publish');
  });

  it('writes EMF lines in the ecs-autopilot namespace, dimensioned metrics on lines of their own', () => {
    // Act
    const docs = emfLines((metrics) =>
      emitMetricPoints(metrics, [
        { name: 'TargetsDeregistered', unit: 'Count', value: 2 },
        { name: 'GuardrailRefusals', unit: 'Count', value: 1, dimensions: { Guardrail: 'never-empty' } },
        ...canaryMetricPoints({ cluster: 'prod', service: 'web', weight: 25, step: 2, rolledBack: true }),
      ]),
    );

    // Assess
    const byMetric = Object.fromEntries(docs.flatMap((doc) => metricNames(doc).map((name) => [name, doc])));
    expect(Object.keys(byMetric).sort()).toEqual([
      'CanaryRollbacks',
      'CanaryStep',
      'CanaryWeight',
      'GuardrailRefusals',
      'TargetsDeregistered',
    ]);
    expect(byMetric.GuardrailRefusals).toMatchObject({ Guardrail: 'never-empty', GuardrailRefusals: 1 });
    expect(byMetric.CanaryWeight).toMatchObject({ Canary: 'prod/web', CanaryWeight: 25 });
    expect(byMetric.TargetsDeregistered).toMatchObject({ TargetsDeregistered: 2, service: 'ecs-autopilot' });
    const emf = byMetric.TargetsDeregistered?._aws as { CloudWatchMetrics: { Namespace: string }[] } | undefined;
    expect(emf?.CloudWatchMetrics[0]?.Namespace).toBe('ecs-autopilot');
  });
});

describe('Metrics: canary promoter passes', () => {
  it("publishes each canary's step, a rollback, and its share of the traffic after a promotion", async () => {
    // Prepare
    const { canaryTickMetricPoints } = await import('#shared/canary/tick-metrics.js');
    const canaryTg = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-green/1';
    const stableTg = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-blue/2';
    const promotion = record(
      {
        kind: 'set-forward-weights',
        weights: { [canaryTg]: 250, [stableTg]: 750 },
        basis: [{ targetGroupArn: canaryTg, healthy: 2, needed: 1 }],
      } as never,
      'applied',
    );

    // Act
    const points = canaryTickMetricPoints([
      { name: 'web', decision: 'promote', reason: 'gates passed', step: 2, gates: [], audit: [promotion] },
      { name: 'api', decision: 'roll-back', reason: '5xx', step: 1, gates: [], audit: [] },
    ]);

    // Assess
    expect(points).toEqual([
      { name: 'CanaryStep', unit: 'None', value: 2, dimensions: { Canary: 'web' } },
      { name: 'CanaryWeight', unit: 'Percent', value: 25, dimensions: { Canary: 'web' } },
      { name: 'CanaryStep', unit: 'None', value: 1, dimensions: { Canary: 'api' } },
      { name: 'CanaryRollbacks', unit: 'Count', value: 1, dimensions: { Canary: 'api' } },
    ]);
  });

  it("names a member account's canary by its account and region, apart from home's of the same name", async () => {
    // Prepare
    const { canaryTickMetricPoints } = await import('#shared/canary/tick-metrics.js');
    const at = { decision: 'hold' as const, reason: 'baking', step: 0, gates: [], audit: [] };

    // Act
    const points = canaryTickMetricPoints([
      { name: 'web', ...at },
      { name: 'web', ...at, account: '222222222222', region: 'us-east-1', statedAt: '222222222222/us-east-1' },
    ]);

    // Assess
    expect(points.map((p) => p.dimensions)).toEqual([{ Canary: 'web' }, { Canary: '222222222222/us-east-1/web' }]);
  });

  it('counts an event dropped without a word to chat at once, by function and reason', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });

    // Act: no flush: a single metric is published as it is added, so a failing invocation keeps it.
    eventMetrics('alarm-state-change').ignored('no-matching-rule');

    // Assess
    const docs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs).toHaveLength(1);
    expect(metricNames(docs[0] ?? {})).toEqual(['EventsIgnored']);
    expect(docs[0]).toMatchObject({ function: 'alarm-state-change', reason: 'no-matching-rule', EventsIgnored: 1 });
  });
});
