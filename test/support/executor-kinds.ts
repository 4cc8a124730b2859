import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';

/** The clients the executor's action kinds are tested with, each behind a mock that checks the call's shape. */
export const ecs = new ECSClient({ region: 'us-east-1' });
export const elbv2 = new ElasticLoadBalancingV2Client({ region: 'us-east-1' });
export const autoScaling = new ApplicationAutoScalingClient({ region: 'us-east-1' });
export const ecsMock = mockClient(ecs);
export const elbv2Mock = mockClient(elbv2);
export const autoScalingMock = mockClient(autoScaling);
export const subject = { clusterName: 'prod', serviceName: 'web' };
export const accepted = { changed: true, evidence: 'accepted' };

/** Forgets every mocked answer and recorded call, before each test. */
export function resetKindMocks(): void {
  ecsMock.reset();
  elbv2Mock.reset();
  autoScalingMock.reset();
}
