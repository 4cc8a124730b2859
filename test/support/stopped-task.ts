import type { TaskDetail } from '#shared/events/task-state-change.js';
import type { Severity, StopKind } from '#shared/tasks/classify.js';

/** What each kind implies, written down here independently of the classifier. */
export const severityOfKind: Record<StopKind, Severity> = {
  'out-of-memory': 'critical',
  'health-check-failed': 'critical',
  'image-pull-failed': 'critical',
  'failed-to-start': 'critical',
  'essential-container-exited': 'critical',
  'spot-interruption': 'warning',
  unknown: 'warning',
  'user-initiated': 'info',
  'scale-in': 'info',
  'deployment-replacement': 'info',
  'infrastructure-maintenance': 'info',
};
export const kinds = Object.keys(severityOfKind) as StopKind[];
export const routineKinds: readonly StopKind[] = [
  'user-initiated',
  'scale-in',
  'deployment-replacement',
  'infrastructure-maintenance',
];

/** A stopped awsvpc task of service web, as plain data. */
export function stoppedTask(overrides: Partial<TaskDetail> = {}): TaskDetail {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/0f1e2d3c4b5a49687766554433221100',
    clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:42',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    version: 6,
    group: 'service:web',
    startedBy: 'ecs-svc/1111111111111111111',
    launchType: 'FARGATE',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode: 1 }],
    attachments: [],
    ...overrides,
  };
}
