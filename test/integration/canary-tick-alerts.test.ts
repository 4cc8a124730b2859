import { describe, expect, it } from 'vitest';
import type { canaryDriver } from '#local/canary-driver.js';
import type { CanaryWorld } from '#local/canary-world.js';
import { loseAnswersAfterWrite } from '#local/moto-proxy-rules.js';
import { receiveOutboxAlerts } from '#local/world.js';
import { pauseRelease } from '#shared/canary/commands.js';
import { CanaryTickError, tickCanaries } from '#shared/canary/react.js';
import { readCanary, updateCanary } from '#shared/canary/store.js';
import { maxPendingAlerts } from '#shared/canary/tick-record.js';
import { logger } from '#shared/logging/logger.js';
import type { Versioned } from '#shared/state/index.js';
import { functionDeps as depsOf } from '#test/support/canary-tick-deps.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { overriding } from '#test/support/overriding.js';
import { setWeightsByHand, startedCanary } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();

const readyCanary = () => startedCanary(proxy, { capacity: true });
const functionDeps = (world: CanaryWorld, driver: ReturnType<typeof canaryDriver>) => depsOf(proxy, world, driver);
const outboxTitles = async (world: CanaryWorld) => (await receiveOutboxAlerts(world)).map((a) => a.title);

/** A step's tick (5 %) and Lambda's two retries of it, each with its alert refused: what each attempt threw. */
async function stepWithEveryAlertRefused() {
  const { world, driver } = await readyCanary();
  const deps = functionDeps(world, driver);
  const step = driver.now();
  const later = (minutes: number) => new Date(Date.parse(step) + minutes * 60_000).toISOString();
  proxy.failWith5xx('sqs:SendMessage', 3);
  const attempts: unknown[] = [];
  for (let attempt = 0; attempt < 3; attempt++) attempts.push(await tickCanaries(deps, step).catch((e: unknown) => e));
  return { world, driver, deps, step, later, attempts };
}

describe('Canary tick: decisions whose alert was refused wait in the record until queued (on moto)', () => {
  it("queues on the next minute's tick, once, the alert of a step whose tick and every retry could not queue it", async () => {
    // Prepare: every attempt of the step's tick has its alert refused, after its weights and record were written
    const { world, driver, deps, step, later, attempts } = await stepWithEveryAlertRefused();
    for (const attempt of attempts) expect(attempt).toBeInstanceOf(CanaryTickError);
    expect((await readCanary(driver.store, 'web'))?.data.unalerted).toMatchObject([{ at: step, decision: 'start' }]);

    // Act: the next two minutes' ticks
    const [next] = await tickCanaries(deps, later(1));
    await tickCanaries(deps, later(2));

    // Assess: the step's alert once, under its own time; nothing left pending
    expect(next).toMatchObject({ decision: 'hold', phase: 'ramping', step: 0 });
    const alerts = await receiveOutboxAlerts(world);
    expect(alerts.map((a) => a.title)).toEqual(['canary web: start at 5 % (weights 5/95)']);
    expect(alerts[0]?.dedupKey).toContain(`/start/${step.slice(0, 16)}`);
    expect((await readCanary(driver.store, 'web'))?.data.unalerted).toBeUndefined();
  });

  it('leaves a pending alert to the function when a pass without an outbox (the command line) finds it', async () => {
    // Prepare: a step whose tick and every retry had their alert refused
    const { world, driver, deps, step, later } = await stepWithEveryAlertRefused();

    // Act: `canary tick` from the command line, then the function's next tick
    const { outboxUrl: _, ...commandLine } = deps;
    await tickCanaries(commandLine, later(1));
    const pending = (await readCanary(driver.store, 'web'))?.data.unalerted;
    await tickCanaries(deps, later(2));

    // Assess
    expect(pending).toMatchObject([{ at: step, decision: 'start' }]);
    expect(await outboxTitles(world)).toEqual(['canary web: start at 5 % (weights 5/95)']);
  });

  it("marks a command-line pass's own decision reported, as it prints it, and queues no alert of it later", async () => {
    // Prepare
    const { world, driver } = await readyCanary();
    const { outboxUrl: _, ...commandLine } = functionDeps(world, driver);
    const step = driver.now();

    // Act: `canary tick` from the command line takes the first step; then the function's next tick
    const [stepped] = await tickCanaries(commandLine, step);
    const pending = (await readCanary(driver.store, 'web'))?.data.unalerted;
    await tickCanaries(functionDeps(world, driver), new Date(Date.parse(step) + 60_000).toISOString());

    // Assess: the step is in the pass's result, which the command line prints, and nowhere else
    expect(stepped).toMatchObject({ decision: 'start', phase: 'ramping', step: 0 });
    expect(stepped?.alert?.title).toBe('canary web: start at 5 % (weights 5/95)');
    expect(pending).toBeUndefined();
    expect(await outboxTitles(world)).toEqual([]);
  });

  it("queues on a paused canary's next tick the critical alert of the pause its tick could not queue", async () => {
    // Prepare: the weights changed by hand; the tick that pauses for it has its alert refused on every attempt
    const { world, driver } = await readyCanary();
    const deps = functionDeps(world, driver);
    await tickCanaries(deps, driver.now());
    await setWeightsByHand(world, { blue: 70, green: 30 });
    const pausing = new Date(Date.parse(driver.now()) + 60_000).toISOString();
    proxy.failWith5xx('sqs:SendMessage', 3);
    await expect(tickCanaries(deps, pausing)).rejects.toBeInstanceOf(CanaryTickError);
    // Lambda's retries find the canary paused: each tries the pause's alert again, and leaves it pending when refused
    for (let retry = 0; retry < 2; retry++) {
      expect((await tickCanaries(deps, pausing))[0]).toMatchObject({ decision: 'idle', phase: 'paused' });
    }

    // Act: the next minute's tick, which reads nothing else for a paused canary
    const [next] = await tickCanaries(deps, new Date(Date.parse(pausing) + 60_000).toISOString());

    // Assess
    expect(next).toMatchObject({ decision: 'idle', phase: 'paused' });
    const alerts = await receiveOutboxAlerts(world);
    expect(alerts.map((a) => [a.severity, a.title])).toEqual([
      ['warning', 'canary web: start at 5 % (weights 5/95)'],
      ['critical', expect.stringMatching(/^canary web: the weights changed outside ecs-autopilot/)],
    ]);
  });

  it('queues, oldest first, the alerts of two decisions that were both refused: a step, then a pause', async () => {
    // Prepare: the step's alert refused on every attempt; then the weights changed by hand, and the tick that pauses
    // for it has both alerts refused, the step's it tries first and its own
    const { world, driver, deps, step, later } = await stepWithEveryAlertRefused();
    await setWeightsByHand(world, { blue: 70, green: 30 });
    proxy.failWith5xx('sqs:SendMessage', 2);
    await expect(tickCanaries(deps, later(1))).rejects.toBeInstanceOf(CanaryTickError);
    const pending = (await readCanary(driver.store, 'web'))?.data.unalerted;

    // Act: the next minute's tick, on the paused canary
    const [next] = await tickCanaries(deps, later(2));

    // Assess: both alerts, each once, in the order decided; nothing left pending
    expect(pending?.map((p) => [p.at, p.decision])).toEqual([
      [step, 'start'],
      [later(1), 'pause'],
    ]);
    expect(next).toMatchObject({ decision: 'idle', phase: 'paused' });
    const alerts = await receiveOutboxAlerts(world);
    expect(alerts.map((a) => [a.severity, a.title])).toEqual([
      ['warning', 'canary web: start at 5 % (weights 5/95)'],
      ['critical', expect.stringMatching(/^canary web: the weights changed outside ecs-autopilot/)],
    ]);
    // each says where the canary stood when it was decided, not where it stands now
    expect(alerts.map((a) => a.description.match(/now \w+ at \d+ %/)?.[0])).toEqual([
      'now ramping at 5 %',
      'now paused at 5 %',
    ]);
    // and no more than its decision and that: what its tick's writes did is in the history and the logs
    expect(alerts.map((a) => a.description.split('\n').length)).toEqual([2, 2]);
    expect((await readCanary(driver.store, 'web'))?.data.unalerted).toBeUndefined();
  });

  it('goes on from the record as it is when its mark of an earlier alert landed and its answer was lost', async () => {
    // Prepare: a step whose alert is pending; then the weights changed by hand
    const { world, driver, deps, step, later } = await stepWithEveryAlertRefused();
    await setWeightsByHand(world, { blue: 70, green: 30 });
    // the next tick's first write is the mark that the step's alert is queued: it lands, its answer is lost
    loseAnswersAfterWrite(proxy, 'dynamodb:UpdateItem', 1);

    // Act: that tick pauses for the weights changed by hand
    const [paused] = await tickCanaries(deps, later(1));

    // Assess: the pause is recorded and alerted by this tick, after the step's alert
    expect(paused).toMatchObject({ decision: 'pause', phase: 'paused' });
    const alerts = await receiveOutboxAlerts(world);
    expect(alerts.map((a) => a.kind)).toEqual(['canary/start', 'canary/pause']);
    expect(alerts[0]?.dedupKey).toContain(`/start/${step.slice(0, 16)}`);
    const stored = await readCanary(driver.store, 'web');
    expect(stored?.data.phase).toBe('paused');
    expect(stored?.data.unalerted).toBeUndefined();
  });

  it('holds still, reading nothing more, when an operator paused the canary while it queued an earlier alert', async () => {
    // Prepare: a step whose alert is pending; the store as the next tick sees it, where the operator's pause lands
    // just before the tick's mark that the step's alert is queued
    const { world, driver, deps, step, later } = await stepWithEveryAlertRefused();
    let operatorPaused = false;
    const store = overriding(deps.store, {
      replace: async <T>(current: Versioned<T>, data: T) => {
        if (!operatorPaused) {
          operatorPaused = true;
          await updateCanary(deps.store, 'web', (r) => pauseRelease(r, 'web', later(1), 'cli:jane'));
        }
        return deps.store.replace(current, data);
      },
    });
    const from = proxy.calls().length;

    // Act
    const [result] = await tickCanaries({ ...deps, store }, later(1));

    // Assess: the tick goes on from the paused record, so it reads nothing of the canary's sides
    expect(operatorPaused).toBe(true);
    expect(result).toMatchObject({ decision: 'idle', phase: 'paused' });
    const sideReads = proxy
      .calls()
      .slice(from)
      .filter((c) => c.service !== 'dynamodb' && c.service !== 'sqs');
    expect(sideReads.map((c) => c.operation)).toEqual([]);
    expect(await outboxTitles(world)).toEqual(['canary web: start at 5 % (weights 5/95)']);
    // the mark was refused, so the step's alert is still pending: the next tick queues it under the same key again
    const stored = await readCanary(driver.store, 'web');
    expect(stored?.data).toMatchObject({ phase: 'paused', unalerted: [{ at: step, decision: 'start' }] });
  });

  it('counts as lost, once its write landed, the oldest alert a new decision pushes out of a full list', async () => {
    // Prepare: the record already holds the most decisions that wait (the outbox refusing for that many ticks)
    const { world, driver } = await readyCanary();
    const held = await readCanary(driver.store, 'web');
    if (!held) throw new Error('web was started');
    const minuteBefore = (n: number) => new Date(Date.parse(driver.now()) - n * 60_000).toISOString();
    const waiting = Array.from({ length: maxPendingAlerts }, (_, i) => ({
      at: minuteBefore(maxPendingAlerts - i),
      decision: 'promote',
      reason: `step ${i}`,
    }));
    await driver.store.replace(held, { ...held.data, unalerted: waiting });
    const errors: unknown[][] = [];
    const deps = {
      ...functionDeps(world, driver),
      logger: overriding(logger, { error: ((...args: unknown[]) => errors.push(args)) as typeof logger.error }),
    };
    // the oldest's alert refused, and the step's own
    proxy.failWith5xx('sqs:SendMessage', 2);

    // Act: the tick takes the first step
    const failure = await tickCanaries(deps, driver.now()).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(CanaryTickError);
    const pending = (await readCanary(driver.store, 'web'))?.data.unalerted ?? [];
    expect(pending).toHaveLength(maxPendingAlerts);
    expect([pending[0]?.reason, pending.at(-1)?.decision]).toEqual(['step 1', 'start']);
    // (the tick's own failure is logged as an error too)
    expect(errors.filter(([message]) => String(message).includes('dropped'))).toEqual([
      ['canary web: 1 alert(s) never queued were dropped for newer decisions', { dropped: [waiting[0]] }],
    ]);
  });
});
