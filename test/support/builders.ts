import { taskStateChangeEnvelope } from '#local/task-events.js';
import { parseConfig } from '#shared/config/load.js';
import type { AutopilotConfig } from '#shared/config/schema.js';
import type { TaskDetail, TaskStateChangeEvent } from '#shared/events/task-state-change.js';
import type { TargetGroupHealth } from '#shared/targets/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const TG_WEB = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web-tg/0123456789abcdef`;
export const TG_WEB_CANARY = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web-canary/fedcba9876543210`;

/** A stopped awsvpc task of service `web` in cluster `prod`, as plain data; override any field. */
export function taskDetail(overrides: Partial<TaskDetail> = {}): TaskDetail {
  const id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${id}`,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:42`,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    version: 5,
    group: 'service:web',
    startedBy: 'ecs-svc/1111111111111111111',
    launchType: 'FARGATE',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    startedAt: '2026-11-24T11:00:00.000Z',
    stoppingAt: '2026-11-24T11:59:50.000Z',
    containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 1 }],
    attachments: [
      {
        type: 'eni',
        status: 'DELETED',
        details: [
          { name: 'networkInterfaceId', value: 'eni-0123456789abcdef0' },
          { name: 'privateIPv4Address', value: '10.0.1.17' },
        ],
      },
    ],
    ...overrides,
  };
}

/** The EventBridge envelope around a task detail. */
export function taskEvent(detail: TaskDetail = taskDetail(), time = '2026-11-24T12:00:00Z'): TaskStateChangeEvent {
  return taskStateChangeEnvelope(detail, {
    account: ACCOUNT,
    region: REGION,
    time,
    id: 'e0e0e0e0-0000-4000-8000-000000000001',
  });
}

/** A target group's health as plain data: `[id, port, state]` triples. */
export function health(targetGroupArn: string, targets: Array<[string, number, string]>): TargetGroupHealth {
  return { targetGroupArn, targets: targets.map(([id, port, state]) => ({ id, port, state })) };
}

/** A valid config managing `prod/web`, with overrides merged at the top level. */
export function config(overrides: Record<string, unknown> = {}): AutopilotConfig {
  return parseConfig({ version: 1, clusters: [{ name: 'prod', services: [{ name: 'web' }] }], ...overrides });
}
