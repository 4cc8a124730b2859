import { describe, expect, it } from 'vitest';
import {
  accountOf,
  arnServiceOf,
  capacityProviderNameOf,
  InvalidArnError,
  loadBalancerNameOf,
  serviceClusterNameOf,
  serviceNameOf,
  targetGroupArnOfDimension,
  taskDefinitionOf,
  taskIdOf,
} from '#shared/aws/arn.js';

const ecs = 'arn:aws:ecs:us-east-1:111122223333';

describe('ARNs: what each reader refuses', () => {
  it.each([
    ['serviceNameOf', serviceNameOf, 'an ECS service ARN'],
    ['serviceClusterNameOf', serviceClusterNameOf, 'an ECS service ARN'],
    ['taskIdOf', taskIdOf, 'an ECS task ARN'],
    ['taskDefinitionOf', taskDefinitionOf, 'an ECS task definition ARN'],
    ['capacityProviderNameOf', capacityProviderNameOf, 'an ECS capacity provider ARN'],
    ['loadBalancerNameOf', loadBalancerNameOf, 'an ELB load balancer ARN'],
    ['accountOf', accountOf, 'an ARN'],
    ['arnServiceOf', arnServiceOf, 'an ARN'],
  ])('%s names what it expected, keeping why the text does not parse', (_, read, expected) => {
    // Act
    const thrown = (() => {
      try {
        read('prod/web');
      } catch (error) {
        return error as InvalidArnError;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(InvalidArnError);
    expect(thrown?.message).toBe(
      `"prod/web" is not ${expected}: check where it came from (the event, the config or an AWS answer)`,
    );
    expect(thrown?.arn).toBe('prod/web');
    expect(thrown?.cause).toBeInstanceOf(Error);
  });

  it('refuses a resource with an empty part among named ones', () => {
    // Assess
    expect(() => serviceNameOf(`${ecs}:service//web`)).toThrow(InvalidArnError);
    expect(() => serviceNameOf(`${ecs}:service/prod/`)).toThrow(InvalidArnError);
  });

  it('reads the service an ARN belongs to', () => {
    // Assess
    expect(arnServiceOf('arn:aws:acm:us-east-1:111122223333:certificate/abc')).toBe('acm');
  });

  it('builds a target group ARN in the GovCloud partition for a GovCloud region', () => {
    // Act
    const arn = targetGroupArnOfDimension('targetgroup/a/b', 'us-gov-west-1', '111122223333');

    // Assess
    expect(arn).toBe('arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:111122223333:targetgroup/a/b');
  });
});
