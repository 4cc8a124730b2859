import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadConfigFile } from '#shared/config/load.js';
import { reachOf } from '#shared/config/places.js';
import { auditLine } from '#shared/executor/audit.js';
import { setCurrentTime } from '#shared/lambda/clock.js';
import type { Alert } from '#shared/notify/alert.js';
import { plainText } from '#shared/notify/markdown.js';
import { captureOutbox } from './dry-run-outbox.js';
import { RefusedError, UsageError } from './exit.js';
import { type GlobalOptions, printResult } from './output.js';
import { callerPlace, cliClientOptions } from './place.js';
import {
  deliveredAs,
  homeOfEvent,
  lambdaContext,
  type ReplayFunction,
  type ReplayHandler,
  type ReplayResult,
  replayFunctions,
  replayResultOf,
} from './replay.js';

interface ReplayOptions {
  function: ReplayFunction;
  dryRun?: boolean;
  config: string;
  endpoint?: string;
  outboxUrl?: string;
  table?: string;
  now?: Date;
  ignoreAge?: boolean;
}

function parseTime(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('expected a time such as 2025-06-03T13:03:00Z');
  return at;
}

function readEvent(file: string): { time?: unknown } {
  if (!existsSync(file)) throw new UsageError(`no such event file: ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { time?: unknown };
  } catch (cause) {
    throw new RefusedError(`${file} is not a JSON event: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The human account of a replay: what happened, what was done, and the alert (sent, or that a dry run would send),
 * in plain text: the alert's chat Markdown is for the channel, not the terminal.
 */
export function describeReplay(fn: string, dryRun: boolean, result: ReplayResult, alerts: Alert[]): string {
  const lines = [`${fn}${dryRun ? ' (dry run: nothing changed, nothing sent)' : ''}`];
  const { classification: c } = result;
  if (c) lines.push(`  classified: ${c.kind} (${c.severity}): ${c.summary}`);
  if (result.ignored) lines.push(`  not acted on: ${result.ignored}`);
  if (!result.ignored && (result.audit ?? []).length === 0) lines.push('  nothing to change');
  if (alerts.length === 0) lines.push('  no alert');
  for (const record of result.audit ?? []) lines.push(`  ${auditLine(record)}`);
  for (const alert of alerts) {
    lines.push(dryRun ? '\nthe alert it would send:' : '\nalert queued:');
    lines.push(`  [${alert.severity}] ${plainText(alert.title)}  (${alert.kind})`);
    lines.push(
      ...plainText(alert.description)
        .split('\n')
        .map((l) => `  ${l}`),
    );
    lines.push(...alert.nextSteps.map((s) => `  next: ${plainText(s)}`));
  }
  return lines.join('\n');
}

/**
 * Where a replay runs as if deployed: in the event's own account and region when that is the caller's account (or
 * the config lists no other), acting with the caller's credentials; else in the caller's account, from where the
 * handler reaches the event's account through its member role, as the deployed functions do. An event of an account
 * the config does not list is refused before anything runs.
 */
async function replayHome(
  event: unknown,
  options: ReplayOptions,
  globals: GlobalOptions,
): Promise<{ account: string; region: string } | undefined> {
  const eventHome = homeOfEvent(event);
  if (globals.account !== undefined && globals.account !== eventHome?.account)
    throw new UsageError(
      `--account ${globals.account}: a replay acts in the event's own account (${eventHome?.account ?? 'none'}); drop --account`,
    );
  const config = loadConfigFile(options.config);
  if (!eventHome || config.accounts.length === 0) return eventHome;
  const caller = await callerPlace(cliClientOptions(options.endpoint));
  if (eventHome.account === caller.account) return eventHome;
  if (!reachOf(config, eventHome, caller)) {
    const listed = config.accounts.map((a) => `${a.id} (${a.regions.join(', ')})`).join(', ');
    throw new RefusedError(
      `the event's account ${eventHome.account} in ${eventHome.region} is not under accounts in ${options.config} (listed: ${listed}): no member role to act through`,
    );
  }
  return caller;
}

/** `replay`: one event file through a function's real handler, against AWS or a local emulator. */
export function addReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("Replay an event file through a function's real handler, against AWS or a local emulator.")
    .argument('<event-file>', 'JSON file holding one EventBridge event (see events/)')
    .addOption(
      new Option('-f, --function <name>', 'the function whose handler receives the event')
        .choices(Object.keys(replayFunctions))
        .default('task-state-change'),
    )
    .option('--dry-run', 'change nothing anywhere: no AWS write, no alert queued; print the alert instead')
    .option('-c, --config <file>', 'config file', 'ecs-autopilot.yml')
    .addOption(new Option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server').env('AWS_ENDPOINT_URL'))
    .addOption(
      new Option('--outbox-url <url>', 'alert outbox queue URL (not needed with --dry-run)').env('ALERT_OUTBOX_URL'),
    )
    .addOption(
      new Option('--table <name>', 'state table of leases and episodes (not needed with --dry-run)').env(
        'STATE_TABLE_NAME',
      ),
    )
    .addOption(new Option('--now <time>', 'judge the event as if it were this time (ISO 8601)').argParser(parseTime))
    .addOption(
      new Option(
        '--ignore-age',
        'judge the event as if it had just been sent: replay an old capture on purpose',
      ).conflicts('now'),
    )
    .action(async (eventFile: string, options: ReplayOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const event = readEvent(eventFile);
      if (!options.dryRun && !options.outboxUrl) {
        throw new UsageError('--outbox-url (or ALERT_OUTBOX_URL) is required to queue alerts; --dry-run prints them');
      }
      if (!options.dryRun && !options.table) {
        throw new UsageError(
          '--table (or STATE_TABLE_NAME) is required to act: the functions keep their leases and episodes there ' +
            '(`ecs-autopilot state-table create --table <name>` makes one); --dry-run needs none',
        );
      }
      if (!existsSync(options.config)) throw new UsageError(`no such config file: ${options.config}`);
      process.env.AUTOPILOT_CONFIG_FILE = resolve(options.config);
      if (options.endpoint) process.env.AWS_ENDPOINT_URL = options.endpoint;
      if (options.table) process.env.STATE_TABLE_NAME = options.table;
      process.env.ALERT_OUTBOX_URL = options.dryRun ? 'dry-run: alerts are printed, never queued' : options.outboxUrl;
      if (options.dryRun) process.env.AUTOPILOT_DRY_RUN = 'true';
      if (options.now) setCurrentTime(options.now);
      if (options.ignoreAge) {
        const sent = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
        if (Number.isNaN(sent)) throw new RefusedError(`${eventFile} has no "time" to replay it at`);
        setCurrentTime(new Date(sent));
      }

      // The functions read their environment when they load: only now, after it is set.
      const { sqsClient } = await import('#shared/aws/sqs.js');
      const captured = options.dryRun ? captureOutbox(sqsClient) : [];
      const handler = (await replayFunctions[options.function]()).handler as ReplayHandler;
      const fn = options.function;
      const home = await replayHome(event, options, globals);
      const answer = await handler(deliveredAs(fn, event) as never, lambdaContext(fn, home));
      const result = replayResultOf(fn, answer);
      const alerts = options.dryRun ? captured : result.alert ? [result.alert] : [];

      printResult(globals, { function: options.function, dryRun: !!options.dryRun, result, alerts }, () =>
        describeReplay(options.function, !!options.dryRun, result, alerts),
      );
      // Not acted on is a refusal even when an alert says why (a cluster the account does not have): scripts see it.
      if (result.ignored) {
        const hint = result.ignored.startsWith('stale')
          ? ' (replay an old capture on purpose: --ignore-age or --now)'
          : '';
        throw new RefusedError(`not acted on: ${result.ignored}${hint}`);
      }
    });
}
