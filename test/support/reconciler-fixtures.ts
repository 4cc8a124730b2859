/** A service `web` of cluster `prod` in one target group, its tasks by address, and the reconciler's plan for them. */
import { planReconcile } from '#shared/reconciler/plan.js';
import type { ServiceState } from '#shared/services/types.js';
import { health, TG_WEB, taskDetail } from './builders.js';

export const now = new Date('2026-11-24T12:00:00Z');
export const service: ServiceState = {
  serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
  clusterName: 'prod',
  serviceName: 'web',
  desiredCount: 2,
  runningCount: 2,
  loadBalancers: [{ targetGroupArn: TG_WEB, containerName: 'app', containerPort: 8080 }],
  tags: {},
  disabledByTag: false,
};

/** A task of `web` with its ENI address. */
export function task(ip: string, fields: Parameters<typeof taskDetail>[0] = {}) {
  return taskDetail({
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${ip.replaceAll('.', '')}`,
    attachments: [{ type: 'eni', details: [{ name: 'privateIPv4Address', value: ip }] }],
    ...fields,
  });
}

export const running = (ip: string) => task(ip, { lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
export const stopped = (ip: string, stoppedAt: string) => task(ip, { lastStatus: 'STOPPED', stoppedAt });

export function plan(targets: Array<[string, number, string]>, up: string[], down: Array<[string, string]>) {
  return planReconcile({
    services: [{ service, running: up.map(running), stopped: down.map(([ip, at]) => stopped(ip, at)) }],
    health: new Map([[TG_WEB, health(TG_WEB, targets)]]),
    ec2InstanceIds: new Map(),
    graceSeconds: 600,
    now,
  });
}

/** The config of the reconciler's integration tests: two services of cluster prod, orphans after ten minutes. */
export const RECONCILER_CONFIG = `
version: 1
reconciler:
  orphanGraceSeconds: 600
clusters:
  - name: prod
    services:
      - name: web
      - name: api
`;
