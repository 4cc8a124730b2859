import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { canaryDriver } from '#local/canary-driver.js';
import { type CanaryWorld, canaryClients } from '#local/canary-world.js';
import { throttlingError } from '#local/moto-proxy.js';
import { loseAnswersAfterWrite } from '#local/moto-proxy-rules.js';
import { receiveOutbox } from '#local/world.js';
import { type CanaryTickDeps, CanaryTickError, tickCanaries } from '#shared/canary/react.js';
import { readCanary } from '#shared/canary/store.js';
import { logger } from '#shared/logging/logger.js';
import type { Alert } from '#shared/notify/alert.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { setWeightsByHand, startedCanary } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();

const readyCanary = () => startedCanary(proxy, { capacity: true });

function functionDeps(world: CanaryWorld, driver: ReturnType<typeof canaryDriver>): CanaryTickDeps {
  const sqs = new SQSClient({
    endpoint: proxy.endpoint,
    region: world.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    config: driver.config,
    clients: { ...canaryClients(proxy.endpoint), sqs },
    store: driver.store,
    logger,
    region: world.region,
    ...(world.outboxQueueUrl && { outboxUrl: world.outboxQueueUrl }),
  };
}

const landedWeightWrites = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .filter((c) => c.operation === 'ModifyRule').length;

async function outboxTitles(world: CanaryWorld): Promise<string[]> {
  return (await receiveOutbox(world)).map((m) => (JSON.parse(m.body) as Alert).title);
}

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

describe('Canary tick: its record, its alert and its failures (on moto)', () => {
  it('queues the alert of a tick that moved the weight, and none for a tick that only holds', async () => {
    // Prepare
    const { world, driver } = await readyCanary();
    const deps = functionDeps(world, driver);

    // Act
    const [moved] = await tickCanaries(deps, driver.now());
    const afterMove = await readCanary(driver.store, 'web');
    const [held] = await tickCanaries(deps, new Date(Date.parse(driver.now()) + 60_000).toISOString());

    // Assess
    expect(moved).toMatchObject({ decision: 'start', phase: 'ramping', step: 0 });
    expect(held).toMatchObject({ decision: 'hold', phase: 'ramping', step: 0 });
    expect(held?.alert).toBeUndefined();
    // a hold changes nothing, so it writes no record either
    expect((await readCanary(driver.store, 'web'))?.version).toBe(afterMove?.version);
    expect(await outboxTitles(world)).toEqual(['canary web: start at 5 % (weights 5/95)']);
  });

  it('queues on its retry the alert of a tick that failed after its writes landed, once, writing no weight again', async () => {
    // Prepare: the alert's send fails once, after the weight and the record were written
    const { world, driver } = await readyCanary();
    const deps = functionDeps(world, driver);
    const from = proxy.calls().length;
    proxy.failWith5xx('sqs:SendMessage', 1);

    // Act: the same scheduled event again, as Lambda retries it
    const first = await tickCanaries(deps, driver.now()).catch((error: unknown) => error);
    const [retry] = await tickCanaries(deps, driver.now());

    // Assess
    expect(first).toBeInstanceOf(CanaryTickError);
    expect((first as Error).message).toMatch(/^1 canary tick\(s\) failed: /);
    expect(retry).toMatchObject({ decision: 'hold', phase: 'ramping', step: 0 });
    expect(retry?.alert?.title).toBe('canary web: start at 5 % (weights 5/95)');
    expect(await outboxTitles(world)).toEqual(['canary web: start at 5 % (weights 5/95)']);
    expect(landedWeightWrites(from)).toBe(1);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
  });

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
    const alerts = (await receiveOutbox(world)).map((m) => JSON.parse(m.body) as Alert);
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

  it("leaves a command-line pass's own decision pending, and the function's next tick alerts it once", async () => {
    // Prepare
    const { world, driver } = await readyCanary();
    const { outboxUrl: _, ...commandLine } = functionDeps(world, driver);
    const step = driver.now();

    // Act: `canary tick` from the command line takes the first step; then the function's next two ticks
    const [stepped] = await tickCanaries(commandLine, step);
    const pending = (await readCanary(driver.store, 'web'))?.data.unalerted;
    for (const minutes of [1, 2]) {
      await tickCanaries(functionDeps(world, driver), new Date(Date.parse(step) + minutes * 60_000).toISOString());
    }

    // Assess
    expect(stepped).toMatchObject({ decision: 'start', phase: 'ramping', step: 0 });
    expect(pending).toMatchObject([{ at: step, decision: 'start' }]);
    expect(await outboxTitles(world)).toEqual(['canary web: start at 5 % (weights 5/95)']);
    expect((await readCanary(driver.store, 'web'))?.data.unalerted).toBeUndefined();
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
    const alerts = (await receiveOutbox(world)).map((m) => JSON.parse(m.body) as Alert);
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
    const alerts = (await receiveOutbox(world)).map((m) => JSON.parse(m.body) as Alert);
    expect(alerts.map((a) => [a.severity, a.title])).toEqual([
      ['warning', 'canary web: start at 5 % (weights 5/95)'],
      ['critical', expect.stringMatching(/^canary web: the weights changed outside ecs-autopilot/)],
    ]);
    // each says where the canary stood when it was decided, not where it stands now
    expect(alerts.map((a) => a.description.match(/now \w+ at \d+ %/)?.[0])).toEqual([
      'now ramping at 5 %',
      'now paused at 5 %',
    ]);
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
    const alerts = (await receiveOutbox(world)).map((m) => JSON.parse(m.body) as Alert);
    expect(alerts.map((a) => a.kind)).toEqual(['canary/start', 'canary/pause']);
    expect(alerts[0]?.dedupKey).toContain(`/start/${step.slice(0, 16)}`);
    const stored = await readCanary(driver.store, 'web');
    expect(stored?.data.phase).toBe('paused');
    expect(stored?.data.unalerted).toBeUndefined();
  });

  it('takes its own landed record write, whose answer was lost, for its own and goes on', async () => {
    // Prepare: the claim lands in DynamoDB, its answer is a 500; the SDK's retry then finds the version moved
    const { world, driver } = await readyCanary();
    const deps = functionDeps(world, driver);
    const before = (await readCanary(driver.store, 'web'))?.version ?? -1;
    const from = proxy.calls().length;
    loseAnswersAfterWrite(proxy, 'dynamodb:UpdateItem', 1);

    // Act
    const [result] = await tickCanaries(deps, driver.now());

    // Assess
    expect(result).toMatchObject({ decision: 'start', phase: 'ramping', step: 0 });
    expect(landedWeightWrites(from)).toBe(1);
    const stored = await readCanary(driver.store, 'web');
    // the claim, then the weights confirmed, then the alert marked queued
    expect(stored?.version).toBe(before + 3);
    expect(stored?.data.unalerted).toBeUndefined();
    expect(stored?.data.written).toMatchObject({ canary: 5, verified: true });
    expect(await outboxTitles(world)).toEqual(['canary web: start at 5 % (weights 5/95)']);
  });

  it('fails and moves nothing when its record cannot be written for a reason other than a rival', async () => {
    // Prepare
    const { world, driver } = await readyCanary();
    const deps = functionDeps(world, driver);
    const before = await readCanary(driver.store, 'web');
    const from = proxy.calls().length;
    proxy.throttle('dynamodb:UpdateItem', 2);

    // Act
    const failure = await tickCanaries(deps, driver.now()).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(CanaryTickError);
    expect((failure as CanaryTickError).cause).toMatchObject({ name: 'ThrottlingException' });
    expect(landedWeightWrites(from)).toBe(0);
    expect(await readCanary(driver.store, 'web')).toEqual(before);
    expect(await outboxTitles(world)).toEqual([]);
  });

  it('fails a tick whose weight write may have landed, unverified, and its retry writes and verifies it once', async () => {
    // Prepare: every weight write throttled, past the client's and the executor's attempts
    const { world, driver } = await readyCanary();
    const deps = functionDeps(world, driver);
    const stopThrottling = proxy.addRule({
      name: 'ModifyRule throttled',
      match: (call) => call.operation === 'ModifyRule',
      respond: throttlingError,
    });

    // Act
    const first = await tickCanaries(deps, driver.now()).catch((error: unknown) => error);
    const weightsAfterFirst = await driver.weights();
    const recordAfterFirst = (await readCanary(driver.store, 'web'))?.data;
    stopThrottling();
    const [retry] = await tickCanaries(deps, driver.now());

    // Assess
    expect(first).toBeInstanceOf(CanaryTickError);
    expect((first as Error).message).toMatch(/canary web: weight write failed: /);
    expect(weightsAfterFirst).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
    expect(recordAfterFirst?.phase).toBe('ramping');
    expect(recordAfterFirst?.written).toMatchObject({ canary: 5, verified: false });
    expect(retry).toMatchObject({ phase: 'ramping', step: 0 });
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 5, 'web-blue-tg1': 95 });
    expect((await readCanary(driver.store, 'web'))?.data.written).toMatchObject({ canary: 5, verified: true });
  });

  it('writes and confirms no weight on a tick that only gives the canary its release and capacity', async () => {
    // Prepare: started, no capacity on the green side yet
    const { world, driver } = await startedCanary(proxy, { capacity: false });
    const before = (await readCanary(driver.store, 'web'))?.data;

    // Act
    const [result] = await tickCanaries(functionDeps(world, driver), driver.now());

    // Assess
    expect(result?.audit.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['set-task-definition', 'applied'],
      ['set-desired-count', 'applied'],
    ]);
    expect((await readCanary(driver.store, 'web'))?.data.written).toEqual(before?.written);
    expect(await driver.weights()).toMatchObject({ 'web-green-tg1': 0, 'web-blue-tg1': 100 });
  });

  it('takes a failed capacity write for what it is, never for a weight write: no pause, weights untouched', async () => {
    // Prepare: started, no capacity on the green side yet; ECS answers every UpdateService with a 500
    const { world, driver } = await startedCanary(proxy, { capacity: false });
    const before = (await readCanary(driver.store, 'web'))?.data;
    proxy.failWith5xx('UpdateService', 100);

    // Act
    const [result] = await tickCanaries(functionDeps(world, driver), driver.now());

    // Assess
    expect(result?.audit.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['set-task-definition', 'failed'],
      ['set-desired-count', 'failed'],
    ]);
    expect(result?.decision).not.toBe('pause');
    const after = (await readCanary(driver.store, 'web'))?.data;
    expect(after?.phase).toBe(before?.phase);
    expect(after?.written).toEqual(before?.written);
    expect(landedWeightWrites(0)).toBe(0);
  });
});
