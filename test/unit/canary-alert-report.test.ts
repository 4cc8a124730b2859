import { describe, expect, it } from 'vitest';
import { canaryAlert } from '#shared/canary/report.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import type { CanaryTickPlan } from '#shared/canary/types.js';
import type { Action } from '#shared/executor/actions.js';
import type { AuditRecord } from '#shared/executor/audit.js';
import { canaryConfig, pendingRecord, T0, TG_BLUE, TG_GREEN } from '#test/support/canary-builders.js';

const plan = (overrides: Partial<CanaryTickPlan> = {}): CanaryTickPlan => ({
  decision: 'promote',
  reason: 'step 1 of 5: gates passed',
  intents: [],
  gates: [],
  ...overrides,
});
const audit = (outcome: AuditRecord['outcome']): AuditRecord => ({
  action: { kind: 'set-forward-weights' } as Action,
  description: 'set weights web-green 5, web-blue 95',
  outcome,
  why: 'step',
  at: T0,
  durationMs: 3,
});
const alertFor = (input: {
  plan?: Partial<CanaryTickPlan>;
  record?: Partial<CanaryRecord>;
  audit?: AuditRecord[];
  account?: string;
  named?: boolean;
}) =>
  canaryAlert({
    config: canaryConfig(input.named ? { account: '444455556666', region: 'eu-west-1' } : {}),
    record: pendingRecord({ phase: 'ramping', step: 0, ...input.record }),
    plan: plan(input.plan),
    audit: input.audit ?? [],
    place: { region: 'eu-west-1', ...(input.account ? { account: input.account } : {}) },
    dryRun: false,
    now: '2026-11-24T10:00:42.123Z',
  });

describe('Module: canary alerts', () => {
  it('says nothing about a quiet hold or idle tick', () => {
    expect(alertFor({ plan: { decision: 'hold' } })).toBeUndefined();
    expect(alertFor({ plan: { decision: 'idle' } })).toBeUndefined();
  });

  it('alerts on a hold that is critical or whose actions were in trouble', () => {
    expect(alertFor({ plan: { decision: 'hold', critical: true } })?.severity).toBe('critical');
    expect(alertFor({ plan: { decision: 'hold' }, audit: [audit('blocked')] })?.severity).toBe('critical');
    expect(alertFor({ plan: { decision: 'idle' }, audit: [audit('applied')] })).toBeUndefined();
  });

  it('rates a promotion a warning, completion and scale-down information, a rollback and a pause critical', () => {
    expect(alertFor({})?.severity).toBe('warning');
    expect(alertFor({ plan: { decision: 'complete' } })?.severity).toBe('info');
    expect(alertFor({ plan: { decision: 'scale-down' } })?.severity).toBe('info');
    expect(alertFor({ plan: { decision: 'roll-back' } })?.severity).toBe('critical');
    expect(alertFor({ plan: { decision: 'complete' }, record: { phase: 'paused' } })?.severity).toBe('critical');
    expect(alertFor({ plan: { decision: 'complete' }, audit: [audit('failed')] })?.severity).toBe('critical');
  });

  it("describes the release, the canary's percent, each gate, the judge's numbers and each action", () => {
    // Act
    const alert = alertFor({
      plan: {
        gates: [
          { gate: 'bake', ok: true, detail: 'baked 5 minutes' },
          { gate: 'judge', ok: false, detail: 'too little traffic' },
        ],
        verdict: { outcome: 'pass', reason: 'fine', evidence: { bayesFactor: 1.2, canaryRequests: 300 } },
      },
      record: { step: 1 },
      audit: [audit('applied')],
    });

    // Assess
    expect(alert?.description).toBe(
      [
        '*step 1 of 5: gates passed*',
        'Release 1: web-green (web:42) against web-blue; now ramping at 10 %.',
        '• ok — bake: baked 5 minutes',
        '• not yet — judge: too little traffic',
        'Judge numbers: bayesFactor 1.2, canaryRequests 300',
        '• set weights web-green 5, web-blue 95 (verified: yes)',
      ].join('\n'),
    );
  });

  it('gives 0 % before the first step and no judge line without a verdict', () => {
    // Act
    const alert = alertFor({ record: { step: -1, phase: 'pending' } });

    // Assess
    expect(alert?.description).toContain('now pending at 0 %.');
    expect(alert?.description).not.toContain('Judge numbers');
  });

  it('gives the first step its percent and adds no judge line without a verdict', () => {
    // Act
    const alert = alertFor({ record: { step: 0 } });

    // Assess
    expect(alert?.description.split('\n')).toEqual([
      '*step 1 of 5: gates passed*',
      'Release 1: web-green (web:42) against web-blue; now ramping at 5 %.',
    ]);
  });

  it('names the incident by release and keys each decision by the history length and the minute', () => {
    // Act
    const alert = alertFor({ record: { release: 3, history: [] } });

    // Assess
    expect(alert).toMatchObject({
      incidentId: 'canary/web/release-3',
      dedupKey: 'canary/web/3/0/promote/2026-11-24T10:00',
      kind: 'canary/promote',
      title: 'canary web: step 1 of 5: gates passed',
      keywords: ['canary', 'web', 'promote'],
      cluster: 'prod',
      service: 'web-green',
      region: 'eu-west-1',
      account: '111122223333',
      relatedResources: [TG_GREEN, TG_BLUE],
      dryRun: false,
      occurredAt: '2026-11-24T10:00:42.123Z',
      nextSteps: ['See ecs-autopilot canary status web.'],
    });
    expect(alert?.links).toEqual([
      {
        label: 'web-green',
        url: 'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web-green/health?region=eu-west-1',
      },
      {
        label: 'web-blue',
        url: 'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web-blue/health?region=eu-west-1',
      },
    ]);
  });

  it('puts the account and region in the incident of a canary that names its account', () => {
    // Act
    const alert = alertFor({ named: true, account: '444455556666' });

    // Assess
    expect(alert).toMatchObject({
      incidentId: 'canary/444455556666/eu-west-1/web/release-1',
      account: '444455556666',
    });
    expect(alert?.dedupKey).toMatch(/^canary\/444455556666\/eu-west-1\/web\/1\//);
  });

  it('tells how to resume or abort a paused canary', () => {
    expect(alertFor({ plan: { decision: 'pause' }, record: { phase: 'paused' } })?.nextSteps).toEqual([
      'Check the forward action and the sides, then: ecs-autopilot canary resume web (or abort web).',
    ]);
  });

  it('keeps a long reason within the title limit', () => {
    expect(alertFor({ plan: { reason: 'x'.repeat(400) } })?.title).toHaveLength(250);
  });

  it('keys a scale-in by the minute it was claimed, so the tick that finishes it repeats the same alert', () => {
    // Prepare: the scale-in was claimed at 09:58 and is finished at 10:00
    const claimed = { phase: 'done' as const, scaleDown: { at: '2026-11-24T09:58:07.000Z', reason: 'scale it in' } };

    // Act
    const finishing = alertFor({ plan: { decision: 'scale-down' }, record: claimed });
    const otherDecision = alertFor({ plan: { decision: 'complete' }, record: claimed });
    const unclaimed = alertFor({ plan: { decision: 'scale-down' }, record: { phase: 'done' } });

    // Assess
    expect(finishing?.dedupKey).toMatch(/\/scale-down\/2026-11-24T09:58$/);
    expect(otherDecision?.dedupKey).toMatch(/\/complete\/2026-11-24T10:00$/);
    expect(unclaimed?.dedupKey).toMatch(/\/scale-down\/2026-11-24T10:00$/);
  });
});
