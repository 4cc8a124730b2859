import { describe, expect, it } from 'vitest';
import { checkLoadBalancerConfig } from '#shared/audit/checks/load-balancer-config.js';
import { checkScaling } from '#shared/audit/checks/scaling.js';
import { cleanObservation, SERVICE, TG_BLUE, web } from './audit/observation.js';

const SERVICE_PAGE = 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web';

describe('Audit check 1: what a platform team reads', () => {
  it('lists every published port of a service nothing routes traffic to', () => {
    // Prepare
    const observed = cleanObservation();
    const service = web(observed);
    service.loadBalancers = [];
    service.containers = [
      { name: 'app', portMappings: [{ containerPort: 8080 }, { containerPort: 9090 }] },
      { name: 'metrics', portMappings: [{ containerPort: 9100 }] },
    ];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'load-balancer-config',
        kind: 'no-load-balancer',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: SERVICE,
        problem:
          'the task definition publishes app:8080, app:9090, metrics:9100, but the service has no target group and no service discovery or Service Connect',
        impact: 'nothing routes traffic to its tasks: if it is meant to serve requests, they never arrive',
        fix: 'add a loadBalancers entry (target group, container name and port) to the service, or remove the port mappings if it serves nothing',
        consoleUrl: `${SERVICE_PAGE}/configuration?region=us-east-1`,
        facts: { ports: 'app:8080,app:9090,metrics:9100' },
      },
    ]);
  });

  it('leaves alone a worker without a load balancer that publishes no port', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [];
    web(observed).containers = [{ name: 'worker', portMappings: [] }];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('tells which container the service names and which ones the task definition has', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, containerName: 'web', containerPort: 8080 }];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'load-balancer-config',
        kind: 'container-missing',
        severity: 'critical',
        clusterName: 'prod',
        serviceName: 'web',
        resource: TG_BLUE,
        problem:
          'the service sends target group web-blue to container "web", which its task definition does not have (it has app, log-router)',
        impact: 'ECS cannot register the tasks: the target group stays empty and the load balancer answers 503',
        fix: 'point the service at a container of its task definition (update the service or the task definition)',
        consoleUrl: `${SERVICE_PAGE}/configuration?region=us-east-1`,
        facts: { containerName: 'web' },
      },
    ]);
  });

  it('names a classic load balancer entry by the service, and says when the container maps no port at all', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [{ loadBalancerName: 'classic', containerName: 'log-router', containerPort: 24224 }];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'container-port-missing',
        severity: 'critical',
        resource: SERVICE,
        problem: 'the service sends load balancer to log-router:24224, but that container maps no port',
        impact:
          'ECS cannot register the tasks on that port: the target group stays empty and the load balancer answers 503',
        facts: { containerName: 'log-router', containerPort: 24224 },
      }),
    ]);
  });

  it('finds nothing when the named port is one of several the container maps', () => {
    // Prepare
    const observed = cleanObservation();
    const app = web(observed).containers[0];
    if (app === undefined) throw new Error('no app container');
    app.portMappings = [{ containerPort: 9090 }, { containerPort: 8080 }];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('records a missing container name as empty, and a missing container port as zero, in the facts', () => {
    // Prepare
    const noName = cleanObservation();
    web(noName).loadBalancers = [{ targetGroupArn: TG_BLUE, containerPort: 8080 }];
    const noPort = cleanObservation();
    web(noPort).loadBalancers = [{ targetGroupArn: TG_BLUE, containerName: 'app' }];

    // Act
    const facts = [noName, noPort].flatMap((o) => checkLoadBalancerConfig(o).map((f) => [f.kind, f.facts]));

    // Assess
    expect(facts).toEqual([
      ['container-missing', { containerName: '' }],
      ['container-port-missing', { containerName: 'app', containerPort: 0 }],
    ]);
  });
});

describe('Audit check 7: what a platform team reads', () => {
  it('finds nothing at exactly the minimum or the maximum of the scalable target', () => {
    // Prepare
    const atMin = cleanObservation();
    web(atMin).desiredCount = 2;
    const atMax = cleanObservation();
    web(atMax).desiredCount = 10;

    // Act
    const found = [checkScaling(atMin), checkScaling(atMax)];

    // Assess
    expect(found).toEqual([[], []]);
  });

  it('leaves a desired count alone on a service without a scalable target', () => {
    // Prepare
    const observed = cleanObservation();
    delete web(observed).scalableTarget;
    web(observed).desiredCount = 50;

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('says what Application Auto Scaling will do to a count out of bounds, and how to fix it', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).desiredCount = 11;

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'scaling',
        kind: 'desired-count-out-of-bounds',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: SERVICE,
        problem: "desired count 11 is outside the scalable target's bounds 2-10",
        impact:
          'Application Auto Scaling pulls the count back inside its bounds at its next activity: a manual or deployed count is silently undone, capacity can drop at once',
        fix: "change the scalable target's bounds to include 11, or set the desired count within 2-10",
        consoleUrl: `${SERVICE_PAGE}/autoscaling?region=us-east-1`,
        facts: { desiredCount: 11, min: 2, max: 10 },
      },
    ]);
  });

  it('names every scaling policy that fights the alarm scaling, sorted in its facts', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).scalingPolicyNames = ['requests-per-target', 'cpu-target-tracking'];

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'scaling',
        kind: 'two-scalers',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: SERVICE,
        problem:
          "Application Auto Scaling policies (requests-per-target, cpu-target-tracking) and ecs-autopilot's alarm scaling both change the desired count",
        impact: 'each undoes the other: a scale-out by one is scaled in by the other, and the count oscillates',
        fix: 'keep one: remove the scaling policies, or remove `scaling` from this service in ecs-autopilot.yml',
        consoleUrl: `${SERVICE_PAGE}/autoscaling?region=us-east-1`,
        facts: { policies: 'cpu-target-tracking,requests-per-target' },
      },
    ]);
    expect(web(observed).scalingPolicyNames).toEqual(['requests-per-target', 'cpu-target-tracking']);
  });
});
