/**
 * The main job, locally: a moto server (with our proxy in front, for what moto cannot model), a small world (an ALB,
 * two services), real-shaped events fed through the real Lambda handlers, and a timeline a person can read: event →
 * classification → plan → what the executor did, in its own audit lines → target groups after → the alert exactly as
 * it was published. Each scenario's title is checked against what happened. `npm run demo`.
 */
import { startMotoProxy } from '#local/moto-proxy.js';
import { manualTaskTransitions, startMoto } from '#local/moto-server.js';
import { useWorldEnvironment, writeConfig } from '#local/pipeline.js';
import { provisionWorld } from '#local/world.js';
import { bold, dim, membership, out, say } from './demo/print.js';
import { alarmStateChangeScenarios } from './demo/scenarios/alarm-state-change.js';
import { alertGroupingScenarios } from './demo/scenarios/alert-grouping.js';
import { reconcilerScenarios } from './demo/scenarios/reconciler.js';
import { serviceEventScenarios } from './demo/scenarios/service-event.js';
import { taskStateChangeScenarios } from './demo/scenarios/task-state-change.js';
import { loadHandlers, runScenario, type Scenario, stageOf } from './demo/stage.js';

/** web may grow to 8 tasks, so that a second scale-out is refused by its cooldown and not by the upper bound. */
const CONFIG = `
version: 1
alarms:
  - alarmName: "-unhealthy-hosts$"
    reaction: deregister-unhealthy
    minHealthy: 1
    stopTasks: true
  - alarmName: "-cpu-high$"
    reaction: scale-out
    step: 1
    cooldownSeconds: 300
  - alarmName: "-cpu-low$"
    reaction: scale-in
    step: 1
    cooldownSeconds: 300
clusters:
  - name: prod
    services:
      - name: web
        scaling: { minCount: 2, maxCount: 8 }
      - name: api
      - name: worker
`;

/** The scenarios by reaction, in the order they play: each builds on the world the ones before it left. */
const acts: [string, () => Scenario[]][] = [
  ['Task failures', taskStateChangeScenarios],
  ['Alarms', alarmStateChangeScenarios],
  ['Reconciliation', reconcilerScenarios],
  ['Service events', serviceEventScenarios],
  ['Alert grouping', alertGroupingScenarios],
];

async function main(): Promise<void> {
  const started = Date.now();
  out(bold('ecs-autopilot demo: a local AWS (moto server) and the real Lambda handlers'));
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'demo';
  process.env.AWS_SECRET_ACCESS_KEY = 'demo';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  out(dim('› starting moto server…'));
  const moto = await startMoto({ onProgress: (line) => out(dim(`  ${line}`)) });
  const proxy = await startMotoProxy(moto.endpoint);
  try {
    // The handlers talk to moto through our proxy, which models what moto cannot (unhealthy targets, stop times).
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    await manualTaskTransitions(moto.endpoint);
    out(dim(`› moto server ready at ${moto.endpoint} (proxy ${proxy.endpoint}); provisioning an ALB, cluster prod…`));
    const world = await provisionWorld(proxy.endpoint, {
      services: [
        { name: 'web', tasks: 5, targetGroups: 2 },
        { name: 'api', tasks: 3 },
        { name: 'worker', tasks: 3 },
      ],
    });
    say('web', await membership(world, 'web'));
    say('api', await membership(world, 'api'));
    useWorldEnvironment(world, writeConfig(CONFIG));
    const stage = stageOf(world, proxy, await loadHandlers('', world));
    let number = 0;
    for (const [act, scenarios] of acts) {
      out();
      out(bold(act));
      for (const scenario of scenarios()) await runScenario(stage, ++number, scenario);
    }
    // Loaded here: its modules make the product's logger, which must see the demo's log level.
    const { canaryStories } = await import('./demo/canaries.js');
    number += await canaryStories(moto.endpoint, proxy, number + 1);
    // The last word: the audit of the world the demo ends with.
    const { auditStory } = await import('./demo/scenarios/audit.js');
    number += await auditStory(proxy, number + 1);
    // Then many accounts, on a fresh local AWS: a central deployment and a member account.
    const { accountStories } = await import('./demo/accounts.js');
    number += await accountStories(moto.endpoint, proxy, number + 1);
    const { memberCanaryStory } = await import('./demo/account-canary.js');
    number += await memberCanaryStory(moto.endpoint, proxy, number + 1);
    out();
    out(bold(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${number} scenarios, each as its title says.`));
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
