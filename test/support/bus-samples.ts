import { existsSync } from 'node:fs';
import { eventNames, eventsDir, loadEvent } from './fixtures.js';

/** An EventBridge event as AWS delivers it (the samples' shape). */
export interface BusEvent {
  source: string;
  'detail-type': string;
  time?: string;
  resources?: string[];
  detail: Record<string, unknown>;
}

export function isBusEvent(value: unknown): value is BusEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.source === 'string' && typeof event['detail-type'] === 'string' && typeof event.detail === 'object'
  );
}

/** The state an alarm event says the alarm is now in. */
export function alarmState(event: BusEvent): unknown {
  const state = event.detail.state;
  return typeof state === 'object' && state !== null ? (state as Record<string, unknown>).value : undefined;
}

/**
 * Alarm state changes other than the real samples' (both fire), made from them by changing the states, and named as
 * the shipped config's CPU rule expects (`prod-web-cpu-high`), the real samples' names matching no rule of it.
 */
export function alarmVariants(): Record<string, BusEvent> {
  const variant = (state: string, previousState: string): BusEvent => {
    const event = loadEvent('aws:cloudwatch-alarm-state-change-single-metric') as BusEvent;
    const detail = event.detail as { state: Record<string, unknown>; previousState: Record<string, unknown> };
    return {
      ...event,
      detail: {
        ...detail,
        alarmName: 'prod-web-cpu-high',
        state: { ...detail.state, value: state },
        previousState: { ...detail.previousState, value: previousState },
      },
    };
  };
  return {
    // Recovered: the alarm reaction reports it.
    'alarm:ok-after-alarm': variant('OK', 'ALARM'),
    // Delivered too; the handler ignores it (not a recovery from ALARM).
    'alarm:ok-after-insufficient-data': variant('OK', 'INSUFFICIENT_DATA'),
    // Never a state to act on.
    'alarm:insufficient-data-after-ok': variant('INSUFFICIENT_DATA', 'OK'),
    'alarm:insufficient-data-after-alarm': variant('INSUFFICIENT_DATA', 'ALARM'),
  };
}

/** Tasks of services, made from the real samples by giving them a service's group (and, to stop, desiredStatus). */
export function serviceTaskVariants(): Record<string, BusEvent> {
  const variant = (name: string, detail: Record<string, unknown>): BusEvent => {
    const event = loadEvent(`aws:${name}`) as BusEvent;
    return { ...event, detail: { ...event.detail, ...detail } };
  };
  return {
    // Stopped by ECS after its essential container exited.
    'service:fargate-stopped-essential-container-exited': variant(
      'ecs-task-state-change-fargate-stopped-essential-container-exited',
      { group: 'service:web' },
    ),
    // Being stopped by the scheduler (deployment, scale-in): desired STOPPED while still RUNNING.
    'service:fargate-stopping-scheduler': variant('ecs-task-state-change-fargate-running-docs', {
      group: 'service:web',
      desiredStatus: 'STOPPED',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
    }),
    // An EC2 task of a service being stopped.
    'service:ec2-stopping': variant('ecs-task-state-change-ec2-container-instance-docs-2019', {
      group: 'service:api',
      desiredStatus: 'STOPPED',
    }),
    // A service's task that is running: nothing to react to.
    'service:fargate-running': variant('ecs-task-state-change-fargate-running-multi-container', {
      group: 'service:web',
    }),
  };
}

/** Every sample that is an EventBridge event: the real AWS ones, ours in events/, and the variants above. */
export function loadSamples(): Record<string, BusEvent> {
  const names = [...eventNames('aws'), ...(existsSync(eventsDir) ? eventNames('repo') : [])];
  const candidates: [string, unknown][] = [
    ...names.map((name) => [name, loadEvent(name)] as [string, unknown]),
    ...Object.entries(serviceTaskVariants()),
    ...Object.entries(alarmVariants()),
  ];
  const samples: Record<string, BusEvent> = {};
  const seen = new Set<string>();
  for (const [name, event] of candidates) {
    // lambda-sqs-event and friends are Lambda payloads, not bus events.
    if (!isBusEvent(event)) continue;
    // A copy of another sample could not be told apart from it on arrival, and proves nothing more.
    if (seen.has(eventKey(event))) continue;
    seen.add(eventKey(event));
    samples[name] = event;
  }
  return samples;
}

/** What identifies a sample once delivered: moto gives the event its own id, account, region and time. */
export function eventKey(event: BusEvent): string {
  return JSON.stringify([event.source, event['detail-type'], event.detail]);
}
