import { describe, expect, it } from 'vitest';
import {
  checkHealthChecks,
  DEFAULT_HEALTH_CHECK,
  secondsToPassHealthChecks,
} from '#shared/audit/checks/health-checks.js';
import type { AuditObservation, ObservedTargetGroup } from '#shared/audit/types.js';
import { cleanObservation, SERVICE, TG_BLUE, TG_GREEN, web } from './audit/observation.js';

function blue(observed: AuditObservation): ObservedTargetGroup {
  const group = observed.targetGroups[TG_BLUE];
  if (group === undefined) throw new Error('no blue target group');
  return group;
}

/** The clean setup with the blue target group on ELB's defaults and a grace period long enough for them. */
function onDefaults(): AuditObservation {
  const observed = cleanObservation();
  const { path, intervalSeconds, healthyThreshold, unhealthyThreshold } = DEFAULT_HEALTH_CHECK;
  Object.assign(blue(observed), {
    healthCheckPath: path,
    healthCheckIntervalSeconds: intervalSeconds,
    healthyThreshold,
    unhealthyThreshold,
  });
  web(observed).healthCheckGracePeriodSeconds = 300;
  return observed;
}

const kinds = (observed: AuditObservation) => checkHealthChecks(observed).map((f) => f.kind);

describe('Audit check 2: default health checks', () => {
  it("tells a platform team that the target group runs on ELB's defaults, what that costs and what to choose", () => {
    // Prepare
    const observed = onDefaults();

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'health-checks',
        kind: 'default-health-check',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: TG_BLUE,
        problem: "target group web-blue checks path / every 30 s, 5 healthy / 2 unhealthy: ELB's defaults",
        impact:
          'a new task waits 150 s before it takes traffic, a dead one is found only after 60 s, and / may not say whether the application can serve',
        fix: 'point the health check at a dedicated path (e.g. /health) and choose interval and thresholds for the service (e.g. 10 s, 3 healthy, 2 unhealthy)',
        consoleUrl: expect.stringContaining(encodeURIComponent(TG_BLUE)),
        facts: { path: '/', intervalSeconds: 30, healthyThreshold: 5, unhealthyThreshold: 2 },
      },
    ]);
  });

  it('takes a target group that reports no path as checking /', () => {
    // Prepare
    const observed = onDefaults();
    delete blue(observed).healthCheckPath;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings.map((f) => [f.kind, f.facts.path])).toEqual([['default-health-check', '/']]);
  });

  it.each([
    ['the interval', { healthCheckIntervalSeconds: 15 }],
    ['the healthy threshold', { healthyThreshold: 3 }],
    ['the unhealthy threshold', { unhealthyThreshold: 3 }],
  ])('leaves alone a target group that chose %s', (_what, setting) => {
    // Prepare
    const observed = onDefaults();
    Object.assign(blue(observed), setting);

    // Act
    const found = kinds(observed);

    // Assess
    expect(found).toEqual([]);
  });

  it('reports a default health check once, however many services use the target group', () => {
    // Prepare
    const observed = onDefaults();
    const api = { ...web(observed), serviceName: 'api', serviceArn: `${SERVICE}-api` };
    observed.services.push(api);

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings.map((f) => [f.kind, f.serviceName])).toEqual([['default-health-check', 'web']]);
  });
});

describe('Audit check 2: grace period against the time to pass the health checks', () => {
  it('finds nothing at exactly healthy threshold × interval plus start period, and a finding one second short', () => {
    // Prepare (3 healthy × 10 s + 10 s start period = 40 s)
    const exact = cleanObservation();
    web(exact).healthCheckGracePeriodSeconds = 40;
    web(exact).loadBalancers.pop();
    const short = cleanObservation();
    web(short).healthCheckGracePeriodSeconds = 39;
    web(short).loadBalancers.pop();

    // Act
    const found = [kinds(exact), kinds(short)];

    // Assess
    expect(found).toEqual([[], ['grace-period-too-short']]);
  });

  it('multiplies the interval by the healthy threshold, not the unhealthy one', () => {
    // Prepare (2 healthy × 20 s, unhealthy 5: 40 s needed with no start period)
    const observed = cleanObservation();
    web(observed).containers = [{ name: 'app', portMappings: [{ containerPort: 8080 }] }];
    web(observed).loadBalancers.pop();
    Object.assign(blue(observed), { healthCheckIntervalSeconds: 20, healthyThreshold: 2, unhealthyThreshold: 5 });
    web(observed).healthCheckGracePeriodSeconds = 39;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings.map((f) => f.facts.neededSeconds)).toEqual([40]);
  });

  it('tells a platform team the grace period to set, and says the bound leaves out a missing start period', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).containers = [{ name: 'app', portMappings: [{ containerPort: 8080 }] }];
    web(observed).loadBalancers.pop();
    web(observed).healthCheckGracePeriodSeconds = 20;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'health-checks',
        kind: 'grace-period-too-short',
        severity: 'warning',
        clusterName: 'prod',
        serviceName: 'web',
        resource: SERVICE,
        problem:
          "the health-check grace period is 20 s, but its tasks need at least 30 s to pass the health checks of web-blue (3 healthy checks × 10 s; a lower bound, the application's start-up comes on top)",
        impact:
          'ECS may stop new tasks as unhealthy before they could pass, so a deployment or a scale-out can loop without ever becoming healthy',
        fix: "set the service's healthCheckGracePeriodSeconds to at least 30 s plus the application's start-up time",
        consoleUrl: expect.stringContaining('/clusters/prod/services/web/configuration?'),
        facts: { gracePeriodSeconds: 20, neededSeconds: 30, targetGroup: TG_BLUE },
      },
    ]);
  });

  it('counts the start period of the container the load balancer sends to, not of another', () => {
    // Prepare
    const observed = cleanObservation();
    const service = web(observed);
    service.containers = [
      { name: 'app', portMappings: [{ containerPort: 8080 }], healthCheckStartPeriod: 5 },
      { name: 'warmup', portMappings: [], healthCheckStartPeriod: 120 },
    ];

    // Act
    const needed = secondsToPassHealthChecks(service, blue(observed), 'app');
    const unnamed = secondsToPassHealthChecks(service, blue(observed));

    // Assess
    expect([needed, unnamed]).toEqual([
      { seconds: 35, startPeriod: 5 },
      { seconds: 30, startPeriod: 0 },
    ]);
  });

  it('judges each target group of the service on its own settings', () => {
    // Prepare
    const observed = cleanObservation();
    const green = observed.targetGroups[TG_GREEN];
    if (green === undefined) throw new Error('no green target group');
    green.healthCheckIntervalSeconds = 30;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings.map((f) => [f.kind, f.facts.targetGroup, f.facts.neededSeconds])).toEqual([
      ['grace-period-too-short', TG_GREEN, 100],
    ]);
  });

  it('finds nothing for a service whose target group was not observed', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).healthCheckGracePeriodSeconds = 0;
    web(observed).loadBalancers = [{ loadBalancerName: 'classic', containerName: 'app', containerPort: 8080 }];

    // Act
    const found = kinds(observed);

    // Assess
    expect(found).toEqual([]);
  });
});
