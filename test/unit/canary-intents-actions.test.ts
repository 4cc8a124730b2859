import { describe, expect, it } from 'vitest';
import { executorActions } from '#shared/canary/intents.js';
import type { CanaryIntent } from '#shared/canary/types.js';
import {
  canaryConfig,
  observation,
  pendingRecord,
  RULE,
  side,
  T0,
  TD_NEW,
  TD_OLD,
  TG_BLUE,
  TG_GREEN,
} from '#test/support/canary-builders.js';

const config = canaryConfig({ writeAttempts: 4 });
const record = pendingRecord();

describe('Module: canary intents as executor actions', () => {
  it('changes the task definition of the named service, with the strategy only when ECS has one for it', () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-task-definition',
      service: 'web-green',
      from: TD_OLD,
      to: TD_NEW,
      why: 'release 1',
    };
    const owned = observation({
      canary: side({ service: 'web-green', targetGroupArn: TG_GREEN, ecsStrategy: 'CANARY' }),
    });

    // Act
    const [plain] = executorActions(config, record, observation(), [intent]);
    const [withStrategy] = executorActions(config, record, owned, [intent]);

    // Assess
    expect(plain).toEqual({
      kind: 'set-task-definition',
      subject: { clusterName: 'prod', serviceName: 'web-green' },
      why: 'canary web: release 1',
      clusterName: 'prod',
      serviceName: 'web-green',
      taskDefinition: TD_NEW,
    });
    expect(withStrategy).toMatchObject({ strategy: 'CANARY' });
  });

  it("reads the strategy of the side the intent names: the stable side's for the stable service", () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-task-definition',
      service: 'web-blue',
      from: TD_NEW,
      to: TD_OLD,
      why: 'w',
    };
    const obs = observation({ stable: side({ ecsStrategy: 'LINEAR' }) });

    // Act
    const [action] = executorActions(config, record, obs, [intent]);

    // Assess
    expect(action).toMatchObject({ serviceName: 'web-blue', strategy: 'LINEAR' });
  });

  it('scales out with the larger count as the bound and the weight the side has now', () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-desired-count',
      service: 'web-green',
      from: 0,
      to: 3,
      weightNow: 0,
      why: 'warm up',
    };

    // Act
    const [action] = executorActions(config, record, observation(), [intent]);

    // Assess
    expect(action).toEqual({
      kind: 'set-desired-count',
      subject: { clusterName: 'prod', serviceName: 'web-green' },
      why: 'canary web: warm up',
      clusterName: 'prod',
      serviceName: 'web-green',
      from: 0,
      to: 3,
      direction: 'out',
      basis: { direction: 'out', cooldownSeconds: 0, now: T0, bounds: { min: 0, max: 3 }, trafficWeight: 0 },
    });
  });

  it('scales in with the count it had as the bound', () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-desired-count',
      service: 'web-blue',
      from: 10,
      to: 0,
      weightNow: 0,
      why: 'idle',
    };

    // Act
    const [action] = executorActions(config, record, observation(), [intent]);

    // Assess
    expect(action).toMatchObject({ direction: 'in', basis: { direction: 'in', bounds: { min: 0, max: 10 } } });
  });

  it('calls a count that does not grow a scale-in', () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-desired-count',
      service: 'web-blue',
      from: 3,
      to: 3,
      weightNow: 100,
      why: 'hold',
    };

    // Act
    const [action] = executorActions(config, record, observation(), [intent]);

    // Assess
    expect(action).toMatchObject({ direction: 'in', basis: { direction: 'in', trafficWeight: 100 } });
  });

  it('sets scalable-target bounds of the resource named', () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-scalable-target-bounds',
      service: 'web-blue',
      resourceId: 'service/prod/web-blue',
      from: { min: 2, max: 8 },
      to: { min: 0, max: 8 },
      why: 'let it scale in',
    };

    // Act
    const [action] = executorActions(config, record, observation(), [intent]);

    // Assess
    expect(action).toEqual({
      kind: 'set-scalable-target-bounds',
      subject: { clusterName: 'prod', serviceName: 'web-blue' },
      why: 'canary web: let it scale in',
      resourceId: 'service/prod/web-blue',
      from: { min: 2, max: 8 },
      to: { min: 0, max: 8 },
    });
  });

  it("writes the pair's weights on the rule, expecting what was observed, with each side's health as the basis", () => {
    // Prepare
    const before = [
      { targetGroupArn: TG_BLUE, weight: 100 },
      { targetGroupArn: TG_GREEN, weight: 0 },
    ];
    const intent: CanaryIntent = {
      kind: 'set-weights',
      before,
      after: [
        { targetGroupArn: TG_BLUE, weight: 90 },
        { targetGroupArn: TG_GREEN, weight: 10 },
      ],
      weights: { canary: 10, stable: 90 },
      basis: { canaryHealthy: 2, canaryNeeded: 1, stableHealthy: 10, stableNeeded: 9 },
      why: 'step 1',
    };
    const obs = observation({ forward: { targetGroups: before, stickiness: { enabled: true, durationSeconds: 60 } } });

    // Act
    const [action] = executorActions(config, record, obs, [intent]);

    // Assess
    expect(action).toEqual({
      kind: 'set-forward-weights',
      subject: { clusterName: 'prod', serviceName: 'web-green' },
      why: 'canary web: step 1',
      actionArn: RULE,
      weights: { [TG_GREEN]: 10, [TG_BLUE]: 90 },
      expected: { targetGroups: before, stickiness: { enabled: true, durationSeconds: 60 } },
      basis: [
        { targetGroupArn: TG_GREEN, healthy: 2, needed: 1 },
        { targetGroupArn: TG_BLUE, healthy: 10, needed: 9 },
      ],
      attempts: 4,
    });
  });

  it('expects the observed target groups even when the action no longer forwards', () => {
    // Prepare
    const intent: CanaryIntent = {
      kind: 'set-weights',
      before: [],
      after: [],
      weights: { canary: 0, stable: 100 },
      basis: { canaryHealthy: 0, canaryNeeded: 0, stableHealthy: 10, stableNeeded: 10 },
      why: 'roll back',
    };

    // Act
    const [action] = executorActions(config, record, observation({ forward: undefined }), [intent]);

    // Assess
    expect(action).toMatchObject({ expected: { targetGroups: [] } });
  });

  it('keeps the order of the intents, one action each', () => {
    // Prepare
    const intents: CanaryIntent[] = [
      { kind: 'set-desired-count', service: 'web-green', from: 0, to: 1, weightNow: 0, why: 'a' },
      { kind: 'set-task-definition', service: 'web-green', from: TD_OLD, to: TD_NEW, why: 'b' },
    ];

    // Act
    const actions = executorActions(config, record, observation(), intents);

    // Assess
    expect(actions.map((a) => a.kind)).toEqual(['set-desired-count', 'set-task-definition']);
    expect(executorActions(config, record, observation(), [])).toEqual([]);
  });
});
