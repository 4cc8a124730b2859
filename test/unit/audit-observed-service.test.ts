import type { Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { chunks, memo, observedService } from '#shared/audit/observe-services.js';

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:111122223333:service/prod/web';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web-blue/0123456789abcdef';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/prod-alb/1/2/3';
const TEST_RULE = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/prod-alb/1/2/4';

const awsvpc: TaskDefinition = {
  networkMode: 'awsvpc',
  containerDefinitions: [
    {
      name: 'app',
      portMappings: [{ containerPort: 8080 }, { hostPort: 9000 }, { containerPort: 8443, hostPort: 8443 }],
      stopTimeout: 45,
      healthCheck: { command: ['CMD', 'true'], startPeriod: 20 },
    },
    { name: 'log-router', healthCheck: { command: ['CMD', 'true'] } },
    {},
  ],
};

describe('observedService', () => {
  it('reads a service as the checks see it: its containers, ports, stop timeouts and health-check start periods', () => {
    // Prepare
    const service: Service = {
      serviceName: 'web',
      serviceArn: SERVICE_ARN,
      desiredCount: 3,
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
      healthCheckGracePeriodSeconds: 60,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-tasks'] } },
    };

    // Act
    const observed = observedService('prod', service, awsvpc, ['sg-instances']);

    // Assess
    expect(observed).toEqual({
      clusterName: 'prod',
      serviceName: 'web',
      serviceArn: SERVICE_ARN,
      desiredCount: 3,
      networkMode: 'awsvpc',
      containers: [
        {
          name: 'app',
          portMappings: [{ containerPort: 8080 }, { containerPort: 8443, hostPort: 8443 }],
          stopTimeout: 45,
          healthCheckStartPeriod: 20,
        },
        { name: 'log-router', portMappings: [], healthCheckStartPeriod: 0 },
        { name: '', portMappings: [] },
      ],
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
      servedWithoutLoadBalancer: false,
      healthCheckGracePeriodSeconds: 60,
      deploymentController: 'ECS',
      taskSecurityGroupIds: ['sg-tasks'],
    });
  });

  it("takes a bridge service's security groups from its container instances, and its deployment settings", () => {
    // Prepare
    const service: Service = {
      serviceName: 'web',
      loadBalancers: [
        {
          targetGroupArn: TG,
          containerName: 'app',
          containerPort: 0,
          advancedConfiguration: {
            alternateTargetGroupArn: TG,
            productionListenerRule: RULE,
            testListenerRule: TEST_RULE,
            roleArn: 'arn:aws:iam::111122223333:role/ecs',
          },
        },
        { loadBalancerName: 'classic' },
      ],
      deploymentController: { type: 'CODE_DEPLOY' },
      deploymentConfiguration: { strategy: 'BLUE_GREEN' },
    };

    // Act
    const observed = observedService('prod', service, { containerDefinitions: [] }, ['sg-instances']);

    // Assess
    expect(observed).toMatchObject({
      serviceArn: '',
      desiredCount: 0,
      networkMode: 'bridge',
      deploymentController: 'CODE_DEPLOY',
      deploymentStrategy: 'BLUE_GREEN',
      taskSecurityGroupIds: ['sg-instances'],
      loadBalancers: [
        {
          targetGroupArn: TG,
          containerName: 'app',
          containerPort: 0,
          productionListenerRule: RULE,
          testListenerRule: TEST_RULE,
        },
        { loadBalancerName: 'classic' },
      ],
    });
    expect(observed).not.toHaveProperty('healthCheckGracePeriodSeconds');
  });

  it('knows a service reached through service discovery or Service Connect, and not through a disabled one', () => {
    // Prepare
    const registered: Service = { serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:x' }] };
    const connected: Service = { deployments: [{ serviceConnectConfiguration: { enabled: true } }] };
    const disabled: Service = { deployments: [{ serviceConnectConfiguration: { enabled: false } }] };

    // Act
    const served = [registered, connected, disabled, {}].map(
      (s) => observedService('prod', s, awsvpc, []).servedWithoutLoadBalancer,
    );

    // Assess
    expect(served).toEqual([true, true, false, false]);
  });

  it("gives an awsvpc service without a network configuration no security group, not its instances'", () => {
    // Act
    const observed = observedService('prod', { serviceName: 'web' }, awsvpc, ['sg-instances']);

    // Assess
    expect(observed.taskSecurityGroupIds).toEqual([]);
  });
});

describe('chunks', () => {
  it('splits a list into calls of at most the given size, keeping the order', () => {
    // Act
    const batches = [chunks([1, 2, 3, 4, 5], 2), chunks([1, 2], 2), chunks([], 10)];

    // Assess
    expect(batches).toEqual([[[1, 2], [3, 4], [5]], [[1, 2]], []]);
  });
});

describe('memo', () => {
  it('reads each key once per run, however often and however soon it is asked again', async () => {
    // Prepare
    const reads: string[] = [];
    const read = memo(async (key) => {
      reads.push(key);
      return key.toUpperCase();
    });

    // Act
    const answers = await Promise.all([read('a'), read('a'), read('b')]);
    const later = await read('a');

    // Assess
    expect([...answers, later]).toEqual(['A', 'A', 'B', 'A']);
    expect(reads).toEqual(['a', 'b']);
  });
});
