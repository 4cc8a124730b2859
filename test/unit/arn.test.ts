import { describe, expect, it } from 'vitest';
import {
  accountOf,
  capacityProviderNameOf,
  clusterNameOf,
  InvalidArnError,
  isServiceArn,
  loadBalancerDimension,
  loadBalancerNameOf,
  serviceClusterNameOf,
  serviceNameOf,
  targetGroupArnOfDimension,
  targetGroupDimension,
  targetGroupNameOf,
  taskDefinitionOf,
  taskIdOf,
} from '#shared/aws/arn.js';

const ecs = 'arn:aws:ecs:us-east-1:111122223333';
const elb = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const targetGroupArn = `${elb}:targetgroup/web-tg/0123456789abcdef`;
const loadBalancerArn = `${elb}:loadbalancer/app/web-alb/50dc6c495c0c9188`;

describe('ARNs', () => {
  it('reads the names of ECS resources, in the new and the old formats', () => {
    expect(clusterNameOf(`${ecs}:cluster/prod`)).toBe('prod');
    expect(serviceNameOf(`${ecs}:service/prod/web`)).toBe('web');
    expect(serviceNameOf(`${ecs}:service/web`)).toBe('web');
    expect(serviceClusterNameOf(`${ecs}:service/prod/web`)).toBe('prod');
    expect(serviceClusterNameOf(`${ecs}:service/web`)).toBeUndefined();
    expect(taskIdOf(`${ecs}:task/prod/a1b2c3d4`)).toBe('a1b2c3d4');
    expect(taskIdOf(`${ecs}:task/a1b2c3d4`)).toBe('a1b2c3d4');
    expect(taskDefinitionOf(`${ecs}:task-definition/web:42`)).toBe('web:42');
    expect(capacityProviderNameOf(`${ecs}:capacity-provider/FARGATE_SPOT`)).toBe('FARGATE_SPOT');
    expect(accountOf(`${ecs}:cluster/prod`)).toBe('111122223333');
  });

  it('reads target group and load balancer names and derives their CloudWatch dimensions', () => {
    expect(targetGroupNameOf(targetGroupArn)).toBe('web-tg');
    expect(loadBalancerNameOf(loadBalancerArn)).toBe('web-alb');
    expect(targetGroupDimension(targetGroupArn)).toBe('targetgroup/web-tg/0123456789abcdef');
    expect(loadBalancerDimension(loadBalancerArn)).toBe('app/web-alb/50dc6c495c0c9188');
  });

  it('turns a TargetGroup dimension back into the ARN, in the partition of the region', () => {
    expect(targetGroupArnOfDimension('targetgroup/web-tg/0123456789abcdef', 'us-east-1', '111122223333')).toBe(
      targetGroupArn,
    );
    expect(targetGroupArnOfDimension('targetgroup/a/b', 'cn-north-1', '1')).toBe(
      'arn:aws-cn:elasticloadbalancing:cn-north-1:1:targetgroup/a/b',
    );
  });

  it('refuses what is not the ARN asked for, naming what was expected', () => {
    expect(() => clusterNameOf('prod')).toThrow(InvalidArnError);
    expect(() => clusterNameOf(`${ecs}:service/prod/web`)).toThrow(/is not an ECS cluster ARN/);
    expect(() => targetGroupNameOf(`${ecs}:targetgroup/web-tg/1`)).toThrow(/is not an ELB target group ARN/);
    expect(() => taskIdOf(`${ecs}:task/`)).toThrow(InvalidArnError);
    expect(isServiceArn(`${ecs}:service/prod/web`)).toBe(true);
    expect(isServiceArn(`${ecs}:cluster/prod`)).toBe(false);
    expect(isServiceArn(`${ecs}:service/a/b/c`)).toBe(false);
  });
});
