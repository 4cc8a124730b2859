import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import type { CanaryTickResult } from '#shared/canary/react.js';
import { canaryMetrics, canaryTickMetricPoints } from '#shared/canary/tick-metrics.js';
import type { Action } from '#shared/executor/actions.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { T0, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';

const weightWrite = (
  outcome: AuditRecord['outcome'],
  weights: Record<string, number>,
  rising: string | null = TG_GREEN,
): AuditRecord => ({
  action: {
    kind: 'set-forward-weights',
    weights,
    basis: rising ? [{ targetGroupArn: rising, healthy: 1, needed: 1 }] : [],
  } as unknown as Action,
  description: 'set weights',
  outcome,
  why: 'step',
  at: T0,
  durationMs: 1,
});
const scaleOut: AuditRecord = {
  action: { kind: 'set-desired-count', direction: 'out' } as Action,
  description: 'scale out',
  outcome: 'applied',
  why: 'warm up',
  at: T0,
  durationMs: 1,
};
const tick = (audit: AuditRecord[], more: Partial<CanaryTickResult> = {}): CanaryTickResult => ({
  name: 'web',
  decision: 'promote',
  reason: 'r',
  gates: [],
  audit,
  ...more,
});

describe('Module: canary tick metrics', () => {
  it("gives the canary's share only for a weight write that was applied", () => {
    // Act
    const points = canaryTickMetricPoints([
      tick([
        weightWrite('dry-run', { [TG_GREEN]: 10, [TG_BLUE]: 90 }),
        weightWrite('blocked', { [TG_GREEN]: 10, [TG_BLUE]: 90 }),
      ]),
    ]);

    // Assess
    expect(points).toEqual([]);
  });

  it('rounds the share to a whole percent of the written total', () => {
    // Act
    const points = canaryTickMetricPoints([tick([weightWrite('applied', { [TG_GREEN]: 1, [TG_BLUE]: 2 })])]);

    // Assess
    expect(points).toEqual([{ name: 'CanaryWeight', unit: 'Percent', value: 33, dimensions: { Canary: 'web' } }]);
  });

  it('gives no share for a write without a rising side or of all-zero weights', () => {
    // Act
    const points = canaryTickMetricPoints([
      tick([weightWrite('applied', { [TG_GREEN]: 0, [TG_BLUE]: 0 }), weightWrite('applied', { [TG_BLUE]: 100 }, null)]),
    ]);

    // Assess
    expect(points).toEqual([]);
  });

  it('counts a rising side the weights leave out as 0 %', () => {
    expect(canaryTickMetricPoints([tick([weightWrite('applied', { [TG_BLUE]: 100 }, TG_GREEN)])])).toEqual([
      { name: 'CanaryWeight', unit: 'Percent', value: 0, dimensions: { Canary: 'web' } },
    ]);
  });

  it("counts the promoter's applied actions as the executor counts them, before the canary's own points", () => {
    // Act
    const points = canaryTickMetricPoints([tick([scaleOut], { step: 0 })]);

    // Assess
    expect(points).toEqual([
      expect.objectContaining({ name: 'ScaleActions', value: 1, dimensions: { Direction: 'out' } }),
      { name: 'CanaryStep', unit: 'None', value: 0, dimensions: { Canary: 'web' } },
    ]);
  });

  it('publishes nothing for a pass without points, and publishes a pass with some', async () => {
    // Prepare
    const sink = {
      addMetric: vi.fn(),
      singleMetric: vi.fn(() => ({ addDimension: vi.fn(), addMetric: vi.fn() })),
      hasStoredMetrics: vi.fn(() => true),
      publishStoredMetrics: vi.fn(),
    };
    const publish = canaryMetrics(sink as unknown as Metrics).after as (request: {
      response: CanaryTickResult[] | null;
    }) => void;

    // Act
    publish({ response: null });
    publish({ response: [tick([], { decision: 'hold' })] });
    const quiet = sink.publishStoredMetrics.mock.calls.length;
    publish({ response: [tick([scaleOut], { step: 2 })] });

    // Assess
    expect(quiet).toBe(0);
    expect(sink.singleMetric).toHaveBeenCalledTimes(2);
    expect(sink.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });

  it('leaves nothing to publish when every point went out on a line of its own', () => {
    // Prepare
    const sink = {
      addMetric: vi.fn(),
      singleMetric: vi.fn(() => ({ addDimension: vi.fn(), addMetric: vi.fn() })),
      hasStoredMetrics: vi.fn(() => false),
      publishStoredMetrics: vi.fn(),
    };
    const publish = canaryMetrics(sink as unknown as Metrics).after as (request: {
      response: CanaryTickResult[];
    }) => void;

    // Act
    publish({ response: [tick([], { step: 1 })] });

    // Assess
    expect(sink.singleMetric).toHaveBeenCalledTimes(1);
    expect(sink.publishStoredMetrics).not.toHaveBeenCalled();
  });
});
