import { describe, expect, it } from 'vitest';
import { SequentialJudge } from '#shared/canary/judges/sequential.js';
import { LifecycleHookEventSchema } from '#shared/canary/lifecycle-hook/event.js';
import { type HookMemory, hookSituation, planHookAnswer } from '#shared/canary/lifecycle-hook/plan.js';
import { loadEvent } from '#test/support/fixtures.js';
import { minuteAt, side } from './minutes.js';

const GREEN = 'arn:aws:ecs:us-east-1:111122223333:service-revision/prod/web/4444444444444444444';
const BLUE = 'arn:aws:ecs:us-east-1:111122223333:service-revision/prod/web/3333333333333333333';
const judge = new SequentialJudge();
const event = (name: string) => LifecycleHookEventSchema.parse(loadEvent(name));
const memory = (fields: Partial<HookMemory> = {}): HookMemory => ({
  judgedFrom: minuteAt(0),
  stepPercent: 10,
  stepStartedAt: minuteAt(0),
  holdAlerted: false,
  ...fields,
});

describe('Canary judge: ECS lifecycle hook', () => {
  it.each([
    'lifecycle-hook-pre-scale-up',
    'lifecycle-hook-production-shift-rollback',
    'lifecycle-hook-production-shift-full',
  ])('succeeds at once on %s: nothing to judge, and never holds a shift back', (name) => {
    // Act
    const situation = hookSituation(event(name), minuteAt(0));

    // Assess
    expect(situation).toMatchObject({ kind: 'answer', response: { hookStatus: 'SUCCEEDED' } });
  });

  it('judges a step: the target revision as canary, the previous one as stable, from the first invocation on', () => {
    // Act
    const situation = hookSituation(event('lifecycle-hook-production-shift-step'), minuteAt(3));

    // Assess
    expect(situation).toEqual({
      kind: 'judge',
      canaryRevisionArn: GREEN,
      stableRevisionArn: BLUE,
      memory: { judgedFrom: minuteAt(3), stepPercent: 10, stepStartedAt: minuteAt(3), holdAlerted: false },
    });
  });

  it('keeps the judged period across steps and starts a new step when the weights change', () => {
    // Prepare: the last answer remembered a 5 % step that began at minute 0
    const step = event('lifecycle-hook-production-shift-step');
    step.hookDetails = { ecsAutopilot: memory({ stepPercent: 5, holdAlerted: true }) };

    // Act
    const situation = hookSituation(step, minuteAt(12));

    // Assess
    expect(situation).toMatchObject({
      kind: 'judge',
      memory: { judgedFrom: minuteAt(0), stepPercent: 10, stepStartedAt: minuteAt(12), holdAlerted: false },
    });
  });

  it('answers FAILED with the evidence when the judge fails the target revision', () => {
    // Prepare
    const minutes = { canary: side(12, { requests: 100, errors: 3 }), stable: side(12, { requests: 900, errors: 4 }) };

    // Act
    const answer = planHookAnswer(memory(), minutes, minuteAt(12), judge);

    // Assess
    expect(answer).toMatchObject({ response: { hookStatus: 'FAILED' }, alert: 'rolled-back' });
    expect(answer.reason).toMatch(/^sequential judge: canary 5xx 36\/1200/);
  });

  it('holds with IN_PROGRESS while the step bakes, then succeeds on a pass', () => {
    // Prepare
    const healthy = (count: number) => ({
      canary: side(count, { requests: 100, errors: 0 }),
      stable: side(count, { requests: 900, errors: 4 }),
    });

    // Act
    const baking = planHookAnswer(memory(), healthy(5), minuteAt(5), judge);
    const baked = planHookAnswer(memory(), healthy(10), minuteAt(10), judge);

    // Assess
    expect(baking.response).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: 60 });
    expect(baking.response.hookDetails).toMatchObject({ ecsAutopilot: memory() });
    expect(baked.response).toEqual({ hookStatus: 'SUCCEEDED' });
  });

  it('never succeeds on thin traffic: past the maximum hold it alerts once and keeps holding', () => {
    // Prepare
    const thin = { canary: side(45, { requests: 2, errors: 0 }), stable: side(45, { requests: 38, errors: 0 }) };

    // Act
    const first = planHookAnswer(memory(), thin, minuteAt(45), judge);
    const again = planHookAnswer(memory({ holdAlerted: true }), thin, minuteAt(46), judge);

    // Assess
    expect(first).toMatchObject({ response: { hookStatus: 'IN_PROGRESS' }, alert: 'held-too-long' });
    expect(first.response.hookDetails).toMatchObject({ ecsAutopilot: { holdAlerted: true } });
    expect(again.response.hookStatus).toBe('IN_PROGRESS');
    expect(again.alert).toBeUndefined();
  });
});
