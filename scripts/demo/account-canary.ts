/**
 * A canary in a member account: the central promoter ticks it through the member role, with a canary of the same
 * name at home that it leaves alone, then the member's gate alarm rolls back that account's canary alone. Each step
 * is checked against its title.
 */
import { alarmStateChangeEvent } from '#local/alarm-events.js';
import { healthy } from '#local/canary-driver.js';
import { type CanaryWorld, gateAlarm, provisionCanaryWorld, putMinute, settleServices } from '#local/canary-world.js';
import { ruleWeights, startPlacedCanary, twoAccountCanaryYaml } from '#local/member-canary.js';
import { startAccountEndpoint } from '#local/moto-account.js';
import type { MotoProxy } from '#local/moto-proxy.js';
import { resetMoto } from '#local/moto-server.js';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import type { CanaryTickResult } from '#shared/canary/react.js';
import { lambdaContext } from '../../cli/replay.js';
import { bold, dim, out, say } from './print.js';

const MEMBER = '222222222222';
/** A Thursday morning: no window in the way. */
const START = Date.parse('2026-11-26T06:00:00.000Z');

function expectThat(claim: string, holds: boolean): void {
  if (!holds) throw new Error(`the member canary story did not do what its title says: ${claim}`);
}

async function showWeights(central: CanaryWorld, member: CanaryWorld, when: string): Promise<void> {
  const line = (w: Record<string, number>) => `green ${w['web-green-tg1']} / blue ${w['web-blue-tg1']}`;
  say(when, [`central web: ${line(await ruleWeights(central))}`, `${MEMBER} web: ${line(await ruleWeights(member))}`]);
}

function printResults(at: string, results: readonly CanaryTickResult[]): void {
  say(
    at,
    results.map((r) => `${r.account} ${r.region} ${r.name}: ${bold(r.decision)}: ${r.reason}`),
  );
  for (const r of results) for (const a of r.audit) say('', dim(`${r.account}: ${a.outcome}: ${a.description}`));
}

/** The member-account canary story; returns how many steps ran. */
export async function memberCanaryStory(motoEndpoint: string, proxy: MotoProxy, first: number): Promise<number> {
  out();
  out(bold(`Canaries in member account ${MEMBER}, promoted from the central account`));
  await resetMoto(motoEndpoint);
  proxy.reset();
  const endpoint = await startAccountEndpoint(proxy.endpoint, MEMBER);
  try {
    const central = await provisionCanaryWorld(proxy.endpoint);
    const member = await provisionCanaryWorld(endpoint.endpoint);
    await gateAlarm(central, 'web-5xx', 'OK');
    await gateAlarm(member, 'web-5xx', 'OK');
    const yaml = twoAccountCanaryYaml(central, member, MEMBER);
    useWorldEnvironment(central, writeConfig(yaml), { STATE_TABLE_NAME: central.stateTableName });
    const url = new URL('../../functions/canary-promoter/handler.ts', import.meta.url);
    url.searchParams.set('container', 'member-canary');
    const promoter: typeof import('#functions/canary-promoter/handler.js') = await import(url.href);
    const invoke = (event: unknown) =>
      promoter.handler(event as never, lambdaContext('canary-promoter', central)) as Promise<CanaryTickResult[]>;
    const started = await startPlacedCanary(central, member, {
      yaml,
      account: MEMBER,
      now: new Date(START).toISOString(),
    });
    say('start', `${MEMBER}'s web: ${started.data.reason}; central's web, same name, not started`);

    out();
    out(
      bold(
        `${first}. The promoter, deployed centrally, scales ${MEMBER}'s canary and gives it 5 % through the member role; central's web is untouched`,
      ),
    );
    let minute = START;
    for (let i = 0; i < 4 && (await ruleWeights(member))['web-green-tg1'] !== 5; i += 1) {
      const share = ((await ruleWeights(member))['web-green-tg1'] ?? 0) / 100;
      const before = new Date(minute - 60_000).toISOString();
      await putMinute(member, member.greenTargetGroupArn, before, healthy(share));
      await putMinute(member, member.blueTargetGroupArn, before, healthy(1 - share));
      printResults(
        new Date(minute).toISOString().slice(11, 16),
        await invoke(scheduledEvent(central, new Date(minute))),
      );
      await settleServices(member);
      minute += 60_000;
    }
    await showWeights(central, member, 'after');
    expectThat('member at 5 %', (await ruleWeights(member))['web-green-tg1'] === 5);
    expectThat('central untouched', (await ruleWeights(central))['web-green-tg1'] === 0);

    out();
    out(
      bold(
        `${first + 1}. Its gate alarm web-5xx fires in ${MEMBER}: that account's canary rolls back at once; central's alarm of the same name gates only central's`,
      ),
    );
    await gateAlarm(member, 'web-5xx', 'ALARM');
    const at = new Date(minute).toISOString();
    const alarm = alarmStateChangeEvent(central, {
      alarmName: 'web-5xx',
      subject: { targetGroupArn: member.greenTargetGroupArn },
      at,
    });
    const results = await invoke({ ...alarm, account: MEMBER });
    printResults(at.slice(11, 16), results);
    await showWeights(central, member, 'after');
    expectThat(
      'member rolled back',
      results.some((r) => r.account === MEMBER && r.decision === 'roll-back'),
    );
    expectThat('member at 0 %', (await ruleWeights(member))['web-green-tg1'] === 0);
    return 2;
  } finally {
    await endpoint.stop();
  }
}
