import type { AlarmStateChangeEvent } from '#shared/events/alarm-state-change.js';
import { AlarmStateChangeEventSchema } from '#shared/events/alarm-state-change.js';
import type { ServiceState } from '#shared/services/types.js';
import * as v from '#shared/validation/input-schema.js';
import { TG_WEB } from '#test/support/builders.js';

export const TG_DIM = 'targetgroup/web-tg/0123456789abcdef';

export function alarmEvent(
  dimensions: Record<string, string>,
  overrides: Partial<AlarmStateChangeEvent['detail']> = {},
): AlarmStateChangeEvent {
  return v.parse(AlarmStateChangeEventSchema, {
    version: '0',
    id: 'a1',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '111122223333',
    time: '2026-11-24T12:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:cloudwatch:us-east-1:111122223333:alarm:web-unhealthy'],
    detail: {
      alarmName: 'prod-web-unhealthy-hosts',
      state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-11-24T12:00:00.000+0000' },
      previousState: { value: 'OK', timestamp: '2026-11-24T11:00:00.000+0000' },
      configuration: {
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: { namespace: 'AWS/ApplicationELB', name: 'UnHealthyHostCount', dimensions },
              period: 60,
              stat: 'Maximum',
            },
            returnData: true,
          },
        ],
      },
      ...overrides,
    },
  });
}

export const service: ServiceState = {
  serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/prod/web',
  clusterName: 'prod',
  serviceName: 'web',
  desiredCount: 4,
  runningCount: 4,
  loadBalancers: [{ targetGroupArn: TG_WEB, containerName: 'app', containerPort: 8080 }],
  tags: {},
  disabledByTag: false,
};
