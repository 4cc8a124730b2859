import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDeregisterUnhealthy, planScaling } from '#shared/alarms/plan.js';
import { disabledByTag, serviceManagement } from '#shared/config/managed.js';
import type { AlarmRule } from '#shared/config/schema.js';
import type { Action } from '#shared/executor/actions.js';
import type { ExecutorClients } from '#shared/executor/apply-and-verify.js';
import { Executor } from '#shared/executor/executor.js';
import { guard } from '#shared/executor/guardrails.js';
import { setScalableTargetBounds } from '#shared/executor/kinds/application-auto-scaling.js';
import { setDesiredCount, stopTask, tagService } from '#shared/executor/kinds/ecs.js';
import { deregisterTargets } from '#shared/executor/kinds/elbv2.js';
import type { ServiceState } from '#shared/services/types.js';
import { isInService } from '#shared/targets/membership.js';
import type { ObservedTarget } from '#shared/targets/types.js';
import { config, TG_WEB } from '#test/support/builders.js';
import { fuzzRuns } from '#test/support/fuzz-runs.js';

const numRuns = fuzzRuns(300);

const states = ['healthy', 'unhealthy', 'initial', 'draining', 'unused', 'unavailable', 'not-registered'];
const targetGroup = fc
  .uniqueArray(fc.record({ n: fc.integer({ min: 1, max: 250 }), state: fc.constantFrom(...states) }), {
    selector: (t) => t.n,
    maxLength: 30,
  })
  .map((ts): ObservedTarget[] => ts.map(({ n, state }) => ({ id: `10.0.1.${n}`, port: 8080, state })));
const countOrPercent = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 1, max: 100 }).map((p) => `${p}%`),
);

function service(desiredCount: number, tags: Record<string, string> = {}): ServiceState {
  return {
    serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
    clusterName: 'prod',
    serviceName: 'web',
    desiredCount,
    runningCount: desiredCount,
    loadBalancers: [],
    tags,
    disabledByTag: false,
  };
}

describe('Guardrail properties: deregistering unhealthy targets', () => {
  it('never leaves a target group empty nor takes a healthy target out, whatever the health and the rule', () => {
    fc.assert(
      fc.property(targetGroup, countOrPercent, countOrPercent, (targets, minHealthy, maxTargetsPerRun) => {
        // Prepare
        const rule = {
          alarmName: 'x',
          reaction: 'deregister-unhealthy',
          minHealthy,
          maxTargetsPerRun,
          stopTasks: false,
          actionsSuppressed: 'respect',
        } as AlarmRule & { reaction: 'deregister-unhealthy' };

        // Act
        const plan = planDeregisterUnhealthy({
          rule,
          service: service(targets.length),
          health: { targetGroupArn: TG_WEB, targets },
          taskByTarget: new Map(),
          why: 'property',
        });

        // Assess
        const inService = targets.filter(isInService);
        const healthy = inService.filter((t) => t.state === 'healthy').length;
        for (const action of plan.actions) {
          if (action.kind !== 'deregister-targets' || !guard(action).allowed) continue;
          const removed = new Set(action.targets.map((t) => t.id));
          const left = inService.filter((t) => !removed.has(t.id));
          expect(left.length).toBeGreaterThanOrEqual(1);
          expect(left.filter((t) => t.state === 'healthy').length).toBe(healthy);
          expect(healthy).toBeGreaterThan(0);
        }
      }),
      { numRuns },
    );
  });

  it('refuses any removal that would leave no registered target or fewer healthy than asked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
        fc.boolean(),
        (inService, healthyRaw, removingRaw, removing, minHealthy, keepWhenAllUnhealthy) => {
          // Prepare
          const healthy = Math.min(healthyRaw, inService);
          const removingHealthy = Math.min(removingRaw, healthy, removing);

          // Act
          const verdict = guard({
            kind: 'deregister-targets',
            subject: { clusterName: 'prod', serviceName: 'web' },
            targetGroupArn: TG_WEB,
            targets: Array.from({ length: removing }, (_, i) => ({ id: `10.0.2.${i}`, port: 80 })),
            why: 'property',
            basis: { inService, healthy, removingHealthy },
            policy: { ...(minHealthy === undefined ? {} : { minHealthy }), keepWhenAllUnhealthy },
          });

          // Assess
          if (!verdict.allowed) return;
          if (inService > 0) expect(inService - removing).toBeGreaterThanOrEqual(1);
          if (minHealthy !== undefined) expect(healthy - removingHealthy).toBeGreaterThanOrEqual(minHealthy);
          if (keepWhenAllUnhealthy && inService > 0) expect(healthy).toBeGreaterThan(0);
        },
      ),
      { numRuns },
    );
  });
});

describe('Guardrail properties: scaling', () => {
  it('keeps every desired count it allows within the config bounds and the scalable target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.option(fc.record({ min: fc.integer({ min: 0, max: 40 }), span: fc.integer({ min: 0, max: 40 }) }), {
          nil: undefined,
        }),
        fc.oneof(
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 100 }).map((p) => `${p}%`),
        ),
        fc.constantFrom('scale-out' as const, 'scale-in' as const),
        (desired, minCount, span, scalableRaw, step, reaction) => {
          // Prepare
          const bounds = { minCount, maxCount: Math.max(1, minCount + span) };
          const scalable = scalableRaw && {
            resourceId: 'service/prod/web',
            min: scalableRaw.min,
            max: scalableRaw.min + scalableRaw.span,
          };
          const rule = { alarmName: 'x', reaction, step, cooldownSeconds: 300 } as AlarmRule & {
            reaction: 'scale-out' | 'scale-in';
          };

          // Act
          const plan = planScaling({
            rule,
            service: service(desired),
            bounds,
            scalable,
            now: new Date('2026-11-24T12:00:00Z'),
            why: 'property',
          });

          // Assess
          for (const action of plan.actions) {
            if (!guard(action).allowed) continue;
            if (action.kind === 'set-desired-count') {
              expect(action.to).toBeGreaterThanOrEqual(bounds.minCount);
              expect(action.to).toBeLessThanOrEqual(bounds.maxCount);
              if (scalable) expect(action.to).toBeLessThanOrEqual(scalable.max);
              expect(action.direction === 'out' ? action.to > desired : action.to < desired).toBe(true);
            }
            if (action.kind === 'set-scalable-target-bounds' && scalable) {
              expect(action.to.min).toBeGreaterThanOrEqual(0);
              expect(action.to.min).toBeLessThanOrEqual(action.to.max);
              expect(action.to.max).toBe(scalable.max);
            }
          }
        },
      ),
      { numRuns },
    );
  });
});

/** Clients whose every call is counted and fails: a mutation in dry-run would show up here. */
function countingClients(): { clients: ExecutorClients; calls: () => number } {
  let calls = 0;
  const client = {
    send: async () => {
      calls += 1;
      throw new Error('no AWS call is allowed here');
    },
  };
  return {
    clients: { ecs: client, elbv2: client, autoScaling: client } as unknown as ExecutorClients,
    calls: () => calls,
  };
}

const anyAction: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('deregister-targets' as const),
    subject: fc.constant({ clusterName: 'prod', serviceName: 'web' }),
    targetGroupArn: fc.constant(TG_WEB),
    targets: fc.array(fc.record({ id: fc.ipV4(), port: fc.integer({ min: 1, max: 65535 }) }), {
      minLength: 1,
      maxLength: 5,
    }),
    why: fc.string(),
    basis: fc.record({
      inService: fc.nat(20),
      healthy: fc.nat(20),
      removingHealthy: fc.nat(5),
    }),
  }),
  fc.record({
    kind: fc.constant('stop-task' as const),
    subject: fc.constant({ clusterName: 'prod', serviceName: 'web' }),
    clusterName: fc.constant('prod'),
    taskArn: fc.stringMatching(/^[0-9a-f]{32}$/).map((id) => `arn:aws:ecs:us-east-1:1:task/prod/${id}`),
    reason: fc.string(),
    why: fc.string(),
  }),
  fc.record({
    kind: fc.constant('tag-service' as const),
    subject: fc.constant({ clusterName: 'prod', serviceName: 'web' }),
    serviceArn: fc.constant('arn:aws:ecs:us-east-1:1:service/prod/web'),
    tags: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
    why: fc.string(),
  }),
);

describe('Guardrail properties: dry-run and the kill switch', () => {
  it('makes no AWS call in dry-run, whatever the actions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyAction, { maxLength: 8 }), async (actions) => {
        // Prepare
        const { clients, calls } = countingClients();
        const executor = new Executor({
          clients,
          kinds: {
            'deregister-targets': deregisterTargets,
            'stop-task': stopTask,
            'set-desired-count': setDesiredCount,
            'set-scalable-target-bounds': setScalableTargetBounds,
            'tag-service': tagService,
          },
          logger: new Logger({ logLevel: 'SILENT' }),
          dryRun: true,
          verification: { deregistration: 'acknowledged' },
        });

        // Act
        const records = await executor.run(actions);

        // Assess
        expect(calls()).toBe(0);
        for (const record of records) expect(['dry-run', 'blocked', 'skipped', 'duplicate']).toContain(record.outcome);
      }),
      { numRuns: Math.ceil(numRuns / 3) },
    );
  });

  it('manages no service switched off in the config or by its tag', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/),
        fc.constantFrom('true', 'TRUE', 'yes', '1', ''),
        (name, tagValue) => {
          // Prepare
          const disabled = config({
            clusters: [{ name: 'prod', services: [{ name, enabled: false }, { name: '*' }] }],
          });

          // Assess
          expect(serviceManagement(disabled, 'prod', name).managed).toBe(false);
          expect(disabledByTag([{ key: 'ecs-autopilot:disabled', value: tagValue }])).toBe(true);
        },
      ),
      { numRuns },
    );
  });
});
