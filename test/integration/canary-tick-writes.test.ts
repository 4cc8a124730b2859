import { describe, expect, it } from 'vitest';
import type { canaryDriver } from '#local/canary-driver.js';
import type { CanaryWorld } from '#local/canary-world.js';
import { throttlingError } from '#local/moto-proxy.js';
import { loseAnswersAfterWrite } from '#local/moto-proxy-rules.js';
import { receiveOutboxAlerts } from '#local/world.js';
import { CanaryTickError, tickCanaries } from '#shared/canary/react.js';
import { readCanary } from '#shared/canary/store.js';
import { functionDeps as depsOf } from '#test/support/canary-tick-deps.js';
import { useMotoProxy } from '#test/support/moto-proxy-env.js';
import { startedCanary } from '#test/support/started-canary.js';

const proxy = await useMotoProxy();

const readyCanary = () => startedCanary(proxy, { capacity: true });
const functionDeps = (world: CanaryWorld, driver: ReturnType<typeof canaryDriver>) => depsOf(proxy, world, driver);

const landedWeightWrites = (from: number) =>
  proxy
    .calls()
    .slice(from)
    .filter((c) => c.operation === 'ModifyRule').length;

const outboxTitles = async (world: CanaryWorld) => (await receiveOutboxAlerts(world)).map((a) => a.title);

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
