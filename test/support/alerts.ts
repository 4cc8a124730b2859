import type { Alert } from '#shared/notify/alert.js';
import { consoleLinks } from '#shared/notify/alert.js';
import { ACCOUNT, REGION } from './builders.js';

const TASK_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/a1b2c3d4e5f60718293a4b5c6d7e8f90`;

/** A task-stop alert of service `prod/web` as reporting produces it, as plain data; override any field. */
export function taskStopAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    incidentId: 'ecs-task-stop/prod/a1b2c3d4e5f60718293a4b5c6d7e8f90',
    severity: 'critical',
    kind: 'task-stopped/out-of-memory',
    title: 'prod/web: task a1b2c3d4 stopped (out of memory)',
    description: [
      '*What happened:* Container app was killed for using more memory than its limit (exit 137).',
      '*Task:* `a1b2c3d4e5f60718293a4b5c6d7e8f90` (FARGATE, task definition `web:42`), last status STOPPING.',
      '*What ecs-autopilot did:*\n• deregister 10.0.1.17:8080 from target group web-tg: applied, verified',
    ].join('\n'),
    nextSteps: ['Raise the memory limit of the container in the task definition.'],
    keywords: ['out-of-memory', 'OutOfMemoryError'],
    cluster: 'prod',
    service: 'web',
    region: REGION,
    account: ACCOUNT,
    links: [
      { label: 'Task', url: consoleLinks.task(REGION, 'prod', TASK_ARN) },
      { label: 'Service', url: consoleLinks.service(REGION, 'prod', 'web') },
    ],
    relatedResources: [TASK_ARN],
    dryRun: false,
    occurredAt: '2026-11-24T12:00:00.000Z',
    ...overrides,
  };
}
