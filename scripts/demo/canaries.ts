import { canaryDriver, healthy, type SideTraffic } from '#local/canary-driver.js';
import { gateAlarm, provisionCanaryWorld } from '#local/canary-world.js';
import type { MotoProxy } from '#local/moto-proxy.js';
import { resetMoto } from '#local/moto-server.js';
import type { CanaryTickResult } from '#shared/canary/react.js';
import { bold, dim, out, say } from './print.js';

/** A Thursday morning: no window in the way. */
const START = '2026-11-26T06:00:00.000Z';

type Driver = ReturnType<typeof canaryDriver>;

/** The numbers of one tick a person checks: time, decision, weights after, canary capacity, the judge's evidence. */
function printTick(at: string, result: CanaryTickResult, weights: Record<string, number>): void {
  const judge = result.verdict;
  const pct = (x = 0) => `${(100 * x).toFixed(2)} %`;
  const e = judge?.evidence ?? {};
  const latency =
    e.canaryLatencySeconds === undefined ? '' : `, mean ${e.canaryLatencySeconds} s vs ${e.stableLatencySeconds} s`;
  const sequential =
    e.bayesFactor === undefined
      ? undefined
      : `Bayes factor ${(e.bayesFactor ?? 0) >= 1e15 ? 'over 1e15' : e.bayesFactor} (fails at ${e.failAt}); 5xx ${e.canaryErrors}/${e.canaryRequests} vs stable ${e.stableErrors}/${e.stableRequests} since the start; ${e.stepCanaryRequests} canary requests in the step (${e.minCanaryRequests} to pass)${latency}`;
  const evidence = judge
    ? `judge ${judge.outcome}: ${sequential ?? `${e.canaryRequests ?? 0} canary requests in the step, 5xx ${pct(e.canaryErrorRate)} vs stable ${pct(e.stableErrorRate)}${latency}`}`
    : '';
  const capacity = result.gates.find((g) => g.gate === 'capacity')?.detail;
  say(at.slice(11, 16), [
    `${bold(result.decision)}: ${result.reason}`,
    dim(
      `weights green ${weights['web-green-tg1']} / blue ${weights['web-blue-tg1']}${capacity ? ` · ${capacity}` : ''}`,
    ),
    ...(evidence ? [dim(evidence)] : []),
    ...result.audit.map((a) => dim(`${a.outcome}: ${a.description}`)),
  ]);
}

/** Ticks a minute apart; the canary serves `traffic(share)` where share is its weight now. */
async function play(
  driver: Driver,
  minutes: number,
  traffic: (share: number) => SideTraffic,
  stop: (r: CanaryTickResult) => boolean,
) {
  let last: CanaryTickResult | undefined;
  for (let minute = 0; minute < minutes; minute += 1) {
    const at = driver.now();
    const share = ((await driver.weights())['web-green-tg1'] ?? 0) / 100;
    last = await driver.tick({ canary: traffic(share), stable: healthy(1 - share) });
    printTick(at, last, await driver.weights());
    if (stop(last)) break;
  }
  return last;
}

/** A fresh world with a started canary: web-blue has all the weight, web-green gets the release. */
async function freshCanary(motoEndpoint: string, proxy: MotoProxy): Promise<Driver> {
  await resetMoto(motoEndpoint);
  proxy.reset();
  const world = await provisionCanaryWorld(proxy.endpoint);
  await gateAlarm(world, 'web-5xx', 'OK');
  // No judge in the config: the default, the sequential judge.
  const driver = canaryDriver(world, { endpoint: proxy.endpoint, start: START, judgeYaml: null });
  const started = await driver.start();
  say('start', `${started.data.reason} (weights green 0 / blue 100, 4 blue tasks, steps 5 10 25 50 100, bake 2 min)`);
  return driver;
}

function expectThat(claim: string, holds: boolean): void {
  if (!holds) throw new Error(`the canary story did not do what its title says: ${claim}`);
}

/** The canary stories; returns how many ran, each checked against its title. */
export async function canaryStories(motoEndpoint: string, proxy: MotoProxy, first: number): Promise<number> {
  out();
  out(bold('Canaries'));

  out(bold(`${first}. A good canary is promoted 5 → 100 on a compressed clock (a minute a tick), capacity first`));
  const good = await freshCanary(motoEndpoint, proxy);
  const end = await play(good, 30, healthy, (r) => r.decision === 'scale-down');
  const goodWeights = await good.weights();
  expectThat('done at 100 %, blue scaled in', end?.decision === 'scale-down' && goodWeights['web-green-tg1'] === 100);

  out();
  out(bold(`${first + 1}. A bad canary (5xx at 10 %) is rolled back in the tick that sees it`));
  const bad = await freshCanary(motoEndpoint, proxy);
  await play(bad, 6, healthy, (r) => r.reason.startsWith('promote to 10'));
  const rolled = await play(
    bad,
    6,
    (share) => ({ ...healthy(share), errors: Math.round(800 * share) }),
    (r) => r.decision === 'scale-down',
  );
  const badWeights = await bad.weights();
  expectThat(
    'rolled back to 0, green scaled in',
    rolled?.decision === 'scale-down' && badWeights['web-green-tg1'] === 0,
  );

  out();
  out(
    bold(`${first + 2}. Thin traffic: 10 canary requests a minute hold the canary at 5 % — no promotion, no rollback`),
  );
  const thin = await freshCanary(motoEndpoint, proxy);
  const held = await play(
    thin,
    7,
    () => ({ requests: 10, errors: 0, latencySeconds: 0.2 }),
    () => false,
  );
  expectThat('held at 5 %', held?.decision === 'hold' && (await thin.weights())['web-green-tg1'] === 5);
  return 3;
}
