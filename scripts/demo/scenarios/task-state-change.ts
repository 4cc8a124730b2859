import type { SQSEvent } from 'aws-lambda';
import { type TaskEventOverrides, taskStateChangeEvent } from '#local/task-events.js';
import type { WorldTask } from '#local/world.js';
import { awsClientOptions } from '#shared/aws/options.js';
import { queuedBatch } from '../../../cli/replay.js';
import {
  alerts,
  applied,
  type Claim,
  changedNothing,
  dryRunOnly,
  ignoredBecause,
  ScenarioClaimError,
} from '../claims.js';
import { say } from '../print.js';
import { type Handlers, loadHandlers, type Played, type Scenario, type Stage } from '../stage.js';

type TaskEvent = ReturnType<typeof taskStateChangeEvent>;

/**
 * Delivers a task event to the task-state-change handler and prints what it saw, classified and planned; `asQueued`
 * is the queue's message carrying it, for a redelivery of the same message.
 */
async function deliver(
  handlers: Handlers,
  event: TaskEvent,
  asQueued?: SQSEvent,
): Promise<Played & { failures: string[] }> {
  const { version, lastStatus, desiredStatus, stopCode, stoppedReason } = event.detail;
  const stop = `${stopCode ? `, ${stopCode}` : ''}${stoppedReason ? `: "${stoppedReason}"` : ''}`;
  say('event', `ECS Task State Change v${version}: ${lastStatus} (desired ${desiredStatus})${stop}`);
  const { reaction } = await handlers.taskStateChange(event, asQueued);
  const share = reaction.services[0];
  if (share?.alert) say('classified', `${share.alert.kind} · ${share.alert.severity}: ${share.alert.title}`);
  const decisions = (share?.outcomes ?? []).flatMap((o) =>
    (o.plan?.decisions ?? []).map((d) => `${d.verdict}: ${d.why}`),
  );
  if (decisions.length) say('plan', decisions);
  if (share?.notes.length) say('plan notes', share.notes);
  const ignored = [...reaction.ignored.map((i) => i.why), ...(share?.notes ?? [])].join('; ') || undefined;
  const failures = reaction.failures.map((f) => f.why);
  return { audit: share?.outcomes.flatMap((o) => o.audit) ?? [], ignored, handlers, failures };
}

const tasks = (stage: Stage, service: string) => (stage.world.services[service]?.tasks ?? []) as WorldTask[];

/** A crash of a worker task: its essential container exited with code 1. */
const crashed: TaskEventOverrides = {
  lastStatus: 'STOPPED',
  stoppedReason: 'Essential container in task exited',
  exitCode: 1,
};

const crashLoopAlert: Claim = {
  says: 'one crash-loop alert',
  holds: (outcome) => outcome.alerts.filter((a) => a.attributes.kind === 'task-stopped/crash-loop').length === 1,
};

/** The task-state-change reaction: stops of every kind, a redelivery, a standalone task, a dry run, a crash loop. */
export function taskStateChangeScenarios(): Scenario[] {
  let outOfMemory: TaskEvent | undefined;
  const killedForMemory: TaskEventOverrides = {
    exitCode: 137,
    containerReason: 'OutOfMemoryError: Container killed due to memory usage',
  };
  const event = (stage: Stage, task: WorldTask | undefined, overrides: TaskEventOverrides) => {
    if (task === undefined) throw new Error('the demo world has fewer tasks than its scenarios use');
    return taskStateChangeEvent(stage.world, task, overrides);
  };
  return [
    {
      title: 'A web task is killed for memory: the first event of its stop deregisters its targets (cold container)',
      service: 'web',
      claims: [applied('deregister'), alerts(1)],
      play: async (stage) => {
        const [web0] = tasks(stage, 'web');
        if (web0) await stage.stopInEcs(web0);
        outOfMemory = event(stage, web0, { lastStatus: 'RUNNING', version: 3, ...killedForMemory });
        return deliver(stage.handlers, outOfMemory);
      },
    },
    {
      title: 'EventBridge delivers the same event again: recognised as a duplicate, nothing done',
      service: 'web',
      claims: [ignoredBecause(/duplicate/), alerts(0)],
      play: async (stage) => {
        if (outOfMemory === undefined) throw new Error('the duplicate scenario needs the first one to run before it');
        return deliver(stage.handlers, outOfMemory);
      },
    },
    {
      title: 'The same task reaches STOPPED (a later version): its targets are already gone, nothing to do',
      service: 'web',
      claims: [changedNothing, alerts(0)],
      play: (stage) =>
        deliver(
          stage.handlers,
          event(stage, tasks(stage, 'web')[0], { lastStatus: 'STOPPED', version: 6, ...killedForMemory }),
        ),
    },
    {
      title: 'An api task fails its ELB health checks: its target is deregistered (warm container)',
      service: 'api',
      claims: [applied('deregister'), alerts(1)],
      play: async (stage) => {
        const [api0] = tasks(stage, 'api');
        if (api0) await stage.stopInEcs(api0);
        const targetGroup = stage.world.services.api?.targetGroupArns[0];
        return deliver(
          stage.handlers,
          event(stage, api0, {
            lastStatus: 'RUNNING',
            stopCode: 'ServiceSchedulerInitiated',
            stoppedReason: `Task failed ELB health checks in (target-group ${targetGroup})`,
            exitCode: null,
          }),
        );
      },
    },
    {
      title: 'An api task is stopped by a routine scale-in: left to ECS, no alert',
      service: 'api',
      claims: [ignoredBecause(/routine/), alerts(0)],
      play: async (stage) => {
        const api1 = tasks(stage, 'api')[1];
        if (api1) {
          await stage.stopInEcs(api1);
          await stage.drainAsEcsWould(api1, 'api');
        }
        const deployment = stage.world.services.api?.deploymentId;
        return deliver(
          stage.handlers,
          event(stage, api1, {
            stopCode: 'ServiceSchedulerInitiated',
            stoppedReason: `Scaling activity initiated by (deployment ${deployment})`,
            exitCode: 0,
          }),
        );
      },
    },
    {
      title: 'A standalone task (not part of a service) stops: not ours, ignored',
      claims: [ignoredBecause(/standalone/), alerts(0)],
      play: (stage) =>
        deliver(stage.handlers, event(stage, tasks(stage, 'api')[2], { group: 'family:nightly-report' })),
    },
    {
      title: 'Dry run (AUTOPILOT_DRY_RUN=true): a web task cannot pull its image, the deregistration is only reported',
      service: 'web',
      claims: [dryRunOnly, alerts(1)],
      play: async (stage) => {
        process.env.AUTOPILOT_DRY_RUN = 'true';
        try {
          const dryRun = await loadHandlers('dry-run', stage.world);
          return await deliver(
            dryRun,
            event(stage, tasks(stage, 'web')[1], {
              lastStatus: 'STOPPED',
              stopCode: 'TaskFailedToStart',
              stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
              exitCode: null,
            }),
          );
        } finally {
          delete process.env.AUTOPILOT_DRY_RUN;
        }
      },
    },
    {
      title:
        'Two worker tasks crash (exit 1), a minute apart: each deregistered and alerted; the service counts its failed stops',
      service: 'worker',
      claims: [applied('deregister'), alerts(2)],
      play: async (stage) => {
        const audit = [];
        for (const task of tasks(stage, 'worker').slice(0, 2)) {
          await stage.stopInEcs(task);
          audit.push(...(await deliver(stage.handlers, event(stage, task, crashed))).audit);
        }
        return { audit, handlers: stage.handlers };
      },
    },
    {
      title:
        'A third worker task crashes within 10 min: a crash loop (3 of 3 tasks); its target, the last, is kept. SQS fails the crash-loop alert, so the stop is returned; its redelivery sends it',
      service: 'worker',
      claims: [changedNothing, crashLoopAlert, alerts(2)],
      play: async (stage) => {
        const third = tasks(stage, 'worker')[2];
        if (third) await stage.stopInEcs(third);
        const crash = event(stage, third, crashed);
        // Each of the SQS client's attempts (4, or AWS_MAX_ATTEMPTS) answered with a 500: not queued on this delivery.
        stage.proxy.failWith5xx('sqs:SendMessage', awsClientOptions().maxAttempts);
        const message = queuedBatch([crash], stage.world.region, stage.world.account);
        const first = await deliver(stage.handlers, crash, message);
        const returned = first.failures ?? [];
        if (returned.length === 0)
          throw new ScenarioClaimError('the first delivery was meant to be returned to its queue');
        say('returned', returned);
        say(
          'redelivery',
          'the same message, delivered again by its queue: its count finds the crash-loop alert waiting',
        );
        for (const record of message.Records) record.attributes.ApproximateReceiveCount = '2';
        const again = await deliver(stage.handlers, crash, message);
        return { ...again, audit: [...first.audit, ...again.audit] };
      },
    },
  ];
}
