import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCanaryTick } from '#shared/canary/plan.js';
import type { CanaryPhase } from '#shared/canary/status.js';
import {
  forwardSnapshotOf,
  pairTotal,
  rewriteForwardWeights,
  splitPair,
  weightProblem,
} from '#shared/targets/forward.js';
import {
  canaryConfig,
  judge,
  minutes,
  observation,
  pendingRecord,
  side,
  TD_NEW,
  TG_BLUE,
  TG_GREEN,
} from '#test/support/canary-builders.js';
import { fuzzRuns } from '#test/support/fuzz-runs.js';

const arnOf = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/tg${i}/${i}`;

describe('Property: weight arithmetic', () => {
  it('splits any pair total into valid weights that give the canary its percent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 100 }), (total, percent) => {
        const { canary, stable } = splitPair(total, percent);
        expect(canary + stable).toBe(total);
        expect(
          weightProblem([
            { targetGroupArn: 'a', weight: canary },
            { targetGroupArn: 'b', weight: stable },
          ]),
        ).toBe(undefined);
        if (percent === 100) expect(stable).toBe(0);
        if (percent === 0) expect(canary).toBe(0);
        if (total >= 2 && percent > 0 && percent < 100) expect(canary > 0 && stable > 0).toBe(true);
        if (total >= 100) expect(Math.abs((100 * canary) / total - percent)).toBeLessThanOrEqual(50 / total + 1e-9);
      }),
    );
  });

  it('keeps the pair total within 1–999 and never below the observed total when nothing else has weight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (a, b) => {
        fc.pre(a + b > 0);
        const total = pairTotal({ canary: a, stable: b, others: 0 });
        expect(total).toBeGreaterThanOrEqual(Math.min(100, 999));
        expect(total).toBeLessThanOrEqual(999);
      }),
    );
  });

  it('rewrites only the two weights: other target groups, their order, stickiness and other actions are kept', () => {
    const actions = fc
      .record({
        weights: fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 2, maxLength: 5 }),
        sticky: fc.option(fc.record({ Enabled: fc.boolean(), DurationSeconds: fc.integer({ min: 1, max: 604_800 }) })),
        leading: fc.boolean(),
      })
      .map(({ weights, sticky, leading }) => {
        const forward: ElbAction = {
          Type: 'forward',
          Order: leading ? 2 : 1,
          ForwardConfig: {
            TargetGroups: weights.map((w, i) => ({ TargetGroupArn: arnOf(i), Weight: w })),
            ...(sticky ? { TargetGroupStickinessConfig: sticky } : {}),
          },
        };
        const auth: ElbAction = {
          Type: 'authenticate-oidc',
          Order: 1,
          AuthenticateOidcConfig: {
            Issuer: 'https://idp',
            ClientId: 'c',
            AuthorizationEndpoint: 'https://idp/a',
            TokenEndpoint: 'https://idp/t',
            UserInfoEndpoint: 'https://idp/u',
          },
        };
        return leading ? [auth, forward] : [forward];
      });
    fc.assert(
      fc.property(actions, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), (list, c, s) => {
        const out = rewriteForwardWeights(list, { [arnOf(0)]: c, [arnOf(1)]: s });
        const before = forwardSnapshotOf(list);
        const after = forwardSnapshotOf(out);
        expect(after?.stickiness).toEqual(before?.stickiness);
        expect(after?.targetGroups.map((tg) => tg.targetGroupArn)).toEqual(
          before?.targetGroups.map((tg) => tg.targetGroupArn),
        );
        expect(after?.targetGroups.slice(2)).toEqual(before?.targetGroups.slice(2));
        expect(after?.targetGroups.slice(0, 2).map((tg) => tg.weight)).toEqual([c, s]);
        expect(out.filter((a) => a.Type !== 'forward')).toEqual(list.filter((a) => a.Type !== 'forward'));
        expect(out.map((a) => a.Order)).toEqual(list.map((a) => a.Order));
      }),
    );
  });

  it('refuses weights past 999, more than 5 target groups and an all-zero action', () => {
    expect(weightProblem([{ targetGroupArn: 'a', weight: 1000 }])).toContain('0 to 999');
    expect(weightProblem([0, 1, 2, 3, 4, 5].map((i) => ({ targetGroupArn: arnOf(i), weight: 1 })))).toContain(
      'at most 5',
    );
    expect(
      weightProblem([
        { targetGroupArn: 'a', weight: 0 },
        { targetGroupArn: 'b', weight: 0 },
      ]),
    ).toContain('every weight');
  });
});

const phases: CanaryPhase[] = ['pending', 'ramping', 'rolling-back', 'done', 'rolled-back'];

/** Any world a tick might see: weights, capacity, health, alarms and traffic drawn at random. */
const world = fc.record({
  phase: fc.constantFrom(...phases),
  step: fc.integer({ min: -1, max: 4 }),
  canaryWeight: fc.integer({ min: 0, max: 100 }),
  stableDesired: fc.integer({ min: 1, max: 20 }),
  canaryDesired: fc.integer({ min: 0, max: 20 }),
  canaryHealthy: fc.integer({ min: 0, max: 20 }),
  stableHealthy: fc.integer({ min: 0, max: 20 }),
  alarm: fc.boolean(),
  requests: fc.integer({ min: 0, max: 5000 }),
  errors: fc.integer({ min: 0, max: 100 }),
  latency: fc.double({ min: 0.01, max: 2, noNaN: true }),
  verified: fc.boolean(),
  gradual: fc.boolean(),
  minutesIn: fc.integer({ min: 0, max: 30 }),
});

describe('Property: plan invariants', () => {
  it('never weights a side beyond its healthy targets, never scales in a side with weight, never writes all zero', () => {
    const config = canaryConfig();
    fc.assert(
      fc.property(world, (w) => {
        const now = new Date(Date.parse('2026-11-24T10:00:00Z') + w.minutesIn * 60_000).toISOString();
        const obs = observation({
          now,
          forward: {
            targetGroups: [
              { targetGroupArn: TG_BLUE, weight: 100 - w.canaryWeight },
              { targetGroupArn: TG_GREEN, weight: w.canaryWeight },
            ],
          },
          stable: side({ desiredCount: w.stableDesired, healthyTargets: Math.min(w.stableHealthy, w.stableDesired) }),
          canary: side({
            service: 'web-green',
            targetGroupArn: TG_GREEN,
            taskDefinition: TD_NEW,
            desiredCount: w.canaryDesired,
            healthyTargets: Math.min(w.canaryHealthy, w.canaryDesired),
          }),
          alarms: w.alarm ? [{ name: 'gate', state: 'ALARM' }] : [],
          metrics: {
            canary: minutes(now, 5, w.requests, Math.min(w.errors, w.requests), w.latency),
            stable: minutes(now, 5, 5000, 5),
          },
        });
        const record = pendingRecord({
          phase: w.phase,
          step: w.phase === 'pending' ? -1 : w.step,
          stepStartedAt: '2026-11-24T10:00:00.000Z',
          stableDesired: w.stableDesired,
          gradual: w.gradual,
          idleSince: '2026-11-24T10:00:00.000Z',
          written: { canary: w.canaryWeight, stable: 100 - w.canaryWeight, at: now, verified: w.verified, attempts: 1 },
        });
        const plan = planCanaryTick({ config, record, observation: obs, judge: judge(config) });
        const observedWeight = { [obs.canary.service]: w.canaryWeight, [obs.stable.service]: 100 - w.canaryWeight };
        for (const intent of plan.intents) {
          if (intent.kind === 'set-weights') {
            expect(weightProblem(intent.after)).toBeUndefined();
            if (intent.weights.canary > w.canaryWeight) {
              expect(intent.basis.canaryHealthy).toBeGreaterThanOrEqual(intent.basis.canaryNeeded);
            }
            if (intent.weights.stable > 100 - w.canaryWeight) {
              expect(intent.basis.stableHealthy).toBeGreaterThanOrEqual(intent.basis.stableNeeded);
            }
          }
          if (intent.kind === 'set-desired-count' && intent.to < intent.from) {
            expect(observedWeight[intent.service]).toBe(0);
            expect(intent.weightNow).toBe(0);
          }
        }
        const promoted = plan.decision === 'promote' || plan.decision === 'start';
        if (promoted && !record.request) expect(w.alarm).toBe(false);
        if (plan.verdict?.outcome === 'inconclusive') expect(promoted).toBe(false);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });
});
