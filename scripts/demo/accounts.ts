/**
 * Many accounts from one deployment: a fresh central world and a member account's world, both with a cluster `prod`
 * and a service `web`, the config listing the member (and an account whose member stack was never deployed), and the
 * real handlers deployed in the central account. Each scenario is checked against its title.
 */
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { type AccountEndpoint, startAccountEndpoint } from '#local/moto-account.js';
import type { MotoProxy } from '#local/moto-proxy.js';
import { stampStoppedTasks } from '#local/moto-proxy-rules.js';
import { refuseAssumeRole } from '#local/moto-proxy-sts.js';
import { manualTaskTransitions, resetMoto } from '#local/moto-server.js';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { scheduledEvent } from '#local/scheduled-events.js';
import { taskStateChangeEvent } from '#local/task-events.js';
import { provisionWorld, type World } from '#local/world.js';
import { deliveredAs, lambdaContext } from '../../cli/replay.js';
import { alerts, applied, type Claim, changedNothing, ignoredBecause } from './claims.js';
import { bold, membership, out, say } from './print.js';
import { type Handlers, loadHandlers, runScenario, type Scenario, stageOf } from './stage.js';

const MEMBER = '222222222222';
const UNKNOWN = '333333333333';
const NOT_DEPLOYED = '444444444444';

const CONFIG = `
version: 1
accounts:
  - id: "${MEMBER}"
    regions: [us-east-1]
    externalId: demo-external-id
  - id: "${NOT_DEPLOYED}"
    regions: [eu-west-1]
    externalId: demo-external-id
clusters:
  - name: prod
    services: [{ name: web }]
  - name: prod
    account: "${MEMBER}"
    services: [{ name: web }]
  - name: prod
    account: "${NOT_DEPLOYED}"
    services: [{ name: web }]
`;

const oneAlertOfKind = (kind: string): Claim => ({
  says: `one ${kind} alert`,
  holds: (outcome) => outcome.alerts.filter((a) => a.attributes.kind === kind).length === 1,
});

/** The target groups of web in both accounts, side by side. */
async function showBoth(central: World, member: World, when: string): Promise<void> {
  say(`${when}`, [`central ${await membership(central, 'web')}`, `${MEMBER} ${await membership(member, 'web')}`]);
}

function scenarios(central: World, member: World, endpoint: AccountEndpoint, proxy: MotoProxy): Scenario[] {
  const memberTask = (i: number) => {
    const task = member.services.web?.tasks[i];
    if (!task) throw new Error(`the member world has no web task ${i}`);
    return task;
  };
  const ecs = new ECSClient({ endpoint: endpoint.endpoint, region: member.region });
  /** Stops a task in the member account as ECS would after its essential container exited. */
  const stopInMember = (i: number) =>
    ecs.send(
      new StopTaskCommand({ cluster: 'prod', task: memberTask(i).taskArn, reason: 'Essential container exited' }),
    );
  return [
    {
      title: `A web task of account ${MEMBER} stops: its target leaves web's target group there, through the member role; the central prod/web is untouched`,
      claims: [applied('deregister'), alerts(1)],
      play: async (stage) => {
        await stopInMember(0);
        await showBoth(central, member, 'before');
        const result = await stage.handlers.taskStateChange(taskStateChangeEvent(member, memberTask(0)));
        await showBoth(central, member, 'after');
        return { audit: result.audit };
      },
    },
    {
      title: `An event of account ${UNKNOWN}, which the config does not list: refused, no AWS call, no alert`,
      claims: [ignoredBecause(/is not ours \(the config acts in/), changedNothing, alerts(0)],
      play: async (stage) => {
        const event = taskStateChangeEvent(member, memberTask(1));
        const forged = {
          ...event,
          account: UNKNOWN,
          detail: { ...event.detail, clusterArn: event.detail.clusterArn.replace(MEMBER, UNKNOWN) },
        };
        const result = await stage.handlers.taskStateChange(forged);
        return { audit: result.audit, ignored: result.reaction.ignored[0]?.why };
      },
    },
    {
      title: `The reconciler sweeps every account at once: an orphan in ${MEMBER} is deregistered; ${NOT_DEPLOYED} (no member stack, AccessDenied) gets one alert and holds up no one`,
      claims: [applied('deregister'), oneAlertOfKind('access/unreachable'), oneAlertOfKind('reconciler/drift')],
      play: async (stage) => {
        const orphan = memberTask(2);
        const ecs = new ECSClient({ endpoint: endpoint.endpoint, region: member.region });
        await ecs.send(
          new StopTaskCommand({ cluster: 'prod', task: orphan.taskArn, reason: 'Essential container exited' }),
        );
        stampStoppedTasks(proxy, new Date(Date.now() - 30 * 60_000));
        refuseAssumeRole(proxy, `arn:aws:iam::${NOT_DEPLOYED}:role/ecs-autopilot-member`);
        await showBoth(central, member, 'before');
        const run = await stage.handlers.reconciler(scheduledEvent(central));
        await showBoth(central, member, 'after');
        const swept = run.elsewhere.map(
          (p) => `${p.account} ${p.region}: ${p.unreachable ?? `swept, ${p.run?.audit.length ?? 0} fix(es)`}`,
        );
        say('elsewhere', swept);
        return { audit: run.audit };
      },
    },
  ];
}

/** The handlers of a new container, loaded after the environment names this story's config. */
async function freshHandlers(home: World): Promise<Handlers> {
  const handlers = await loadHandlers('accounts', home);
  const fresh = (name: string) => {
    const url = new URL(`../../functions/${name}/handler.ts`, import.meta.url);
    url.searchParams.set('container', 'accounts');
    return url.href;
  };
  const reconciler: typeof import('#functions/reconciler/handler.js') = await import(fresh('reconciler'));
  const task: typeof import('#functions/task-state-change/handler.js') = await import(fresh('task-state-change'));
  // Deployed in the central account: every event, whichever account it comes from, is handled there.
  return {
    ...handlers,
    taskStateChange: (event: unknown) =>
      task.handler(deliveredAs('task-state-change', event) as never, lambdaContext('task-state-change', home)),
    reconciler: (event: unknown) => reconciler.handler(event as never, lambdaContext('reconciler', home)),
  };
}

/** The many-accounts stories; returns how many ran. */
export async function accountStories(motoEndpoint: string, proxy: MotoProxy, first: number): Promise<number> {
  out();
  out(bold(`Many accounts: a central deployment and member account ${MEMBER}`));
  await resetMoto(motoEndpoint);
  proxy.reset();
  await manualTaskTransitions(motoEndpoint);
  const endpoint = await startAccountEndpoint(proxy.endpoint, MEMBER);
  try {
    const central = await provisionWorld(proxy.endpoint, { services: [{ name: 'web', tasks: 3 }] });
    const member = await provisionWorld(endpoint.endpoint, { services: [{ name: 'web', tasks: 3 }], alerts: false });
    say('central', `account ${central.account}, ${central.region}: prod/web`);
    say('member', `account ${member.account}, ${member.region}: prod/web (the same names)`);
    useWorldEnvironment(central, writeConfig(CONFIG));
    const stage = stageOf(central, proxy, await freshHandlers(central));
    const all = scenarios(central, member, endpoint, proxy);
    for (const [i, scenario] of all.entries()) await runScenario(stage, first + i, scenario);
    return all.length;
  } finally {
    await endpoint.stop();
  }
}
