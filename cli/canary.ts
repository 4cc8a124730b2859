import type { Command } from 'commander';
import {
  abortRelease,
  CanaryCommandError,
  pauseRelease,
  requestPromotion,
  resumeRelease,
  startRelease,
} from '#shared/canary/commands.js';
import { observeAlarms, observeSides } from '#shared/canary/observe.js';
import { tickCanaries } from '#shared/canary/react.js';
import type { CanaryRecord } from '#shared/canary/status.js';
import { updateCanary } from '#shared/canary/store.js';
import { actionArnOf } from '#shared/config/canary.js';
import { statedPlace } from '#shared/config/places.js';
import { ensureStateTable, StateConflictError } from '#shared/state/index.js';
import { forwardSnapshotOf } from '#shared/targets/forward.js';
import { readActionList } from '#shared/targets/forward-read.js';
import {
  type CanaryCliOptions,
  type CanaryContext,
  canaryContext,
  canaryContextAt,
  canaryNamed,
  DEFAULT_TABLE,
  resolveTaskDefinition,
} from './canary-context.js';
import { canaryStatus, formatStatus } from './canary-status.js';
import { RefusedError } from './exit.js';
import { printResult } from './output.js';

const exitCodes = `
Exit codes: 0 done; 1 failure (AWS, state table); 2 usage error; 3 refused (the canary's state or a gate does not
allow it, an invalid config, or a concurrent change won: read the message, check status and retry).
AWS: credentials and region as for the AWS CLI; AWS_ENDPOINT_URL or --endpoint points at another endpoint (moto).
--account <id> [--region <r>]: the canaries of another account listed in the config, through its member role.`;

/**
 * Runs a command body with the context (acting in `--account`/`--region`, unless `place` is false: the state table
 * is the caller's own); a refusal by the canary's state or a lost race exits as refused.
 */
function action<A extends unknown[]>(
  body: (ctx: CanaryContext, options: CanaryCliOptions, ...args: A) => Promise<void>,
  { place } = { place: true },
) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals() as CanaryCliOptions;
    try {
      const ctx = place ? await canaryContextAt(options) : canaryContext(options);
      await body(ctx, options, ...(args.slice(0, -1) as A));
    } catch (error) {
      if (error instanceof CanaryCommandError || error instanceof StateConflictError) {
        throw new RefusedError(error.message, { cause: error });
      }
      throw error;
    }
  };
}

/** `--now` as an ISO time (default: the real clock); rehearsals pass the same clock to `tick` and `status`. */
function isoTimeOption(value: string | undefined): string {
  const now = value ? new Date(value) : new Date();
  if (Number.isNaN(now.getTime())) throw new CanaryCommandError(`--now ${value} is not an ISO time`);
  return now.toISOString();
}

const print = (options: CanaryCliOptions, value: unknown, human: string) => printResult(options, value, () => human);

/** Applies a state change to a canary, conditional on the version it read; prints the new status line. */
async function change(
  ctx: CanaryContext,
  options: CanaryCliOptions,
  name: string,
  apply: (current: CanaryRecord | undefined, at: string, by: string) => CanaryRecord,
) {
  const canary = canaryNamed(ctx.config, name);
  const at = new Date().toISOString();
  const place = statedPlace(canary, ctx.config);
  const by = await ctx.operator();
  const stored = await updateCanary(ctx.store, name, (current) => apply(current, at, by), place);
  const r = stored.data;
  print(options, r, `${name}: ${r.phase} (release ${r.release}): ${r.reason}`);
}

/** Adds `canary …` and `state-table create` to the program. */
export function registerCanaryCommands(program: Command): void {
  const canary = program
    .command('canary')
    .description('Weighted canaries between two ECS services behind one listener rule or listener.')
    .option('-c, --config <file>', 'config file', 'ecs-autopilot.yml')
    .option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server (default: AWS_ENDPOINT_URL)')
    .option('--table <name>', `state table (default: STATE_TABLE_NAME, else ${DEFAULT_TABLE})`)
    // Each subcommand's --help lists -c, --endpoint, --table and --json too: they are declared up here.
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', exitCodes);

  canary
    .command('list')
    .description('Every configured canary: phase, step and the weights its action has now.')
    .action(
      action(async (ctx, options) => {
        const views = [];
        for (const c of ctx.config.canaries) views.push(await canaryStatus(ctx, c, new Date().toISOString()));
        const rows = views.map((v) => {
          const weights = `${v.canary?.service ?? '?'} ${v.canary?.weight ?? 0} / ${v.stable?.service ?? '?'} ${v.stable?.weight ?? 0}`;
          return `${v.name}\t${v.phase}\t${v.stepPercent ?? 0} %\t${weights}`;
        });
        print(options, views, rows.length ? rows.join('\n') : 'no canary configured (see README, "Canaries")');
      }),
    );

  canary
    .command('status')
    .description('Step, weights, gate results with their numbers, time in step, next possible promotion, history.')
    .argument('[name]', 'one canary (default: all)')
    .option('--now <iso-time>', 'the clock to judge time in step and the next tick by, as `tick --now` (default: now)')
    .action(
      action(async (ctx, options, name: string | undefined, local: { now?: string }) => {
        const list = name ? [canaryNamed(ctx.config, name)] : ctx.config.canaries;
        const now = isoTimeOption(local?.now);
        const views = [];
        for (const c of list) views.push(await canaryStatus(ctx, c, now));
        print(
          options,
          name ? views[0] : views,
          views.map((v) => formatStatus(v)).join('\n\n') || 'no canary configured',
        );
      }),
    );

  canary
    .command('start')
    .description('Start a release: the side with the weight is stable, the other gets the task definition.')
    .argument('<name>', 'canary name')
    .option('--task-definition <arn|family:rev>', "the release's task definition (default: the idle side's own)")
    .action(
      action(async (ctx, options, name: string, local: { taskDefinition?: string }) => {
        const config = canaryNamed(ctx.config, name);
        const taskDefinition = local?.taskDefinition
          ? await resolveTaskDefinition(ctx.clients.ecs, local.taskDefinition)
          : undefined;
        const [sides, actions, alarms] = await Promise.all([
          observeSides(ctx.clients, config),
          readActionList(ctx.clients.elbv2, actionArnOf(config)),
          observeAlarms(ctx.clients.cloudwatch, config.gateAlarms),
        ]);
        const forward = forwardSnapshotOf(actions);
        await change(ctx, options, name, (current, at, by) =>
          startRelease(
            config,
            current,
            { now: at, forward, sides, alarms },
            { by, ...(taskDefinition ? { taskDefinition } : {}) },
          ),
        );
      }),
    );

  canary
    .command('pause')
    .description('Stop the promoter acting on the canary (weights stay as they are).')
    .argument('<name>', 'canary name')
    .action(
      action(async (ctx, options, name: string) =>
        change(ctx, options, name, (r, at, by) => pauseRelease(r, name, at, by)),
      ),
    );

  canary
    .command('resume')
    .description('Hand a paused canary back to the promoter; it takes the weights it reads next as current.')
    .argument('<name>', 'canary name')
    .action(
      action(async (ctx, options, name: string) =>
        change(ctx, options, name, (r, at, by) => resumeRelease(r, name, at, by)),
      ),
    );

  canary
    .command('promote')
    .description('Take the next step at the next tick without bake, judge or window (capacity still first).')
    .argument('<name>', 'canary name')
    .option('--full', 'go to 100 % at once')
    .action(
      action(async (ctx, options, name: string, local: { full?: boolean }) =>
        change(ctx, options, name, (r, at, by) => requestPromotion(r, name, local?.full === true, at, by)),
      ),
    );

  canary
    .command('abort')
    .description('Roll back at the next tick: stable capacity first, then all weight (or one step a tick).')
    .argument('<name>', 'canary name')
    .option('--gradual', 'step the weight down one step a tick, so the stable side warms up')
    .action(
      action(async (ctx, options, name: string, local: { gradual?: boolean }) =>
        change(ctx, options, name, (r, at, by) => abortRelease(r, name, local?.gradual === true, at, by)),
      ),
    );

  canary
    .command('tick')
    .description('Run one promoter pass exactly as the scheduled function does (for rehearsals).')
    .option('--now <iso-time>', "the pass's clock (default: now)")
    .option('--dry-run', 'plan and report, change nothing')
    .action(
      action(async (ctx, options, local: { now?: string; dryRun?: boolean }) => {
        const now = new Date(isoTimeOption(local?.now));
        const config = local?.dryRun ? { ...ctx.config, dryRun: true } : ctx.config;
        // Loaded here, not at the top: the logger must be made after main.ts has sent logs to stderr.
        const { logger } = await import('#shared/logging/logger.js');
        const results = await tickCanaries(
          {
            config,
            clients: ctx.clients,
            store: ctx.store,
            logger,
            region: ctx.region,
            ...(ctx.account ? { account: ctx.account } : {}),
          },
          now.toISOString(),
        );
        const human = results.map((r) => {
          const audit = r.audit.map((a) => `    ${a.outcome}: ${a.description}`);
          const gates = r.gates.map((g) => `    ${g.gate}: ${g.ok ? 'ok' : 'not yet'} (${g.detail})`);
          return [`${r.name}: ${r.decision}: ${r.reason}`, ...gates, ...audit].join('\n');
        });
        print(options, results, human.join('\n') || 'no canary configured');
      }),
    );

  program
    .command('state-table')
    .description('The DynamoDB state table (canary state, leases).')
    .configureHelp({ showGlobalOptions: true })
    .command('create')
    .description('Create the state table as the stack does (for a local or new setup); does nothing if it exists.')
    .option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server (default: AWS_ENDPOINT_URL)')
    .option('--table <name>', `table name (default: STATE_TABLE_NAME, else ${DEFAULT_TABLE})`)
    .action(
      action(
        async (ctx, options) => {
          await ensureStateTable(ctx.dynamodb, ctx.tableName);
          print(options, { table: ctx.tableName, ready: true }, `state table ${ctx.tableName} is ready`);
        },
        { place: false },
      ),
    );
}
