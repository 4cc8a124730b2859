import { describe, expect, it } from 'vitest';
import { checkDeregistrationDelay, stopTimeoutOf } from '#shared/audit/checks/deregistration-delay.js';
import type { AuditObservation } from '#shared/audit/types.js';
import { cleanObservation, TG_BLUE, TG_GREEN, web } from './audit/observation.js';

/** The clean setup (stop timeout 30 s, so a limit of 45 s) with the blue target group draining for `seconds`. */
function withDelay(seconds: number): AuditObservation {
  const observed = cleanObservation();
  const blue = observed.targetGroups[TG_BLUE];
  if (blue === undefined) throw new Error('no blue target group');
  blue.deregistrationDelaySeconds = seconds;
  return observed;
}

const kinds = (observed: AuditObservation) => checkDeregistrationDelay(observed).map((f) => f.kind);

describe('Audit check 4: deregistration delay against the stop timeout', () => {
  it('finds nothing at exactly the stop timeout plus the 15 s margin, and a finding one second above', () => {
    // Prepare
    const atLimit = withDelay(45);
    const aboveLimit = withDelay(46);

    // Act
    const found = [kinds(atLimit), kinds(aboveLimit)];

    // Assess
    expect(found).toEqual([[], ['cuts-connections']]);
  });

  it('calls a delay up to four times the limit cut connections, and one beyond it slowed deployments', () => {
    // Prepare
    const fourTimes = withDelay(180);
    const beyond = withDelay(181);

    // Act
    const found = [kinds(fourTimes), kinds(beyond)];

    // Assess
    expect(found).toEqual([['cuts-connections'], ['slows-deployments']]);
  });

  it('tells a platform team what is cut, why, and the delay to set', () => {
    // Prepare
    const observed = withDelay(60);

    // Act
    const [finding] = checkDeregistrationDelay(observed);

    // Assess
    expect(finding).toEqual({
      check: 'deregistration-delay',
      kind: 'cuts-connections',
      severity: 'warning',
      clusterName: 'prod',
      serviceName: 'web',
      resource: TG_BLUE,
      problem:
        'target group web-blue drains for 60 s, but the tasks of web are killed 30 s after SIGTERM (stop timeout; 45 s with a 15 s margin)',
      impact:
        'when a task is stopped from outside the scheduler (spot interruption, a failed essential container), it is killed while the load balancer still drains it: its open connections are cut',
      fix: "set deregistration_delay.timeout_seconds on web-blue to at most 45 s, or raise the containers' stopTimeout to cover the drain",
      consoleUrl: expect.stringContaining(encodeURIComponent(TG_BLUE)),
      facts: { deregistrationDelaySeconds: 60, stopTimeoutSeconds: 30 },
    });
  });

  it('says how long every deployment waits when the delay is far longer than the drain can last', () => {
    // Prepare
    const observed = withDelay(300);

    // Act
    const [finding] = checkDeregistrationDelay(observed);

    // Assess
    expect(finding?.severity).toBe('warning');
    expect(finding?.impact).toBe(
      'every deployment and scale-in waits 300 s per batch of tasks for a drain that is cut after 30 s anyway, and when a task is stopped from outside (spot interruption, a failed container) its connections are cut while the load balancer still sends on them',
    );
  });

  it('reports each target group of the service that drains too long, and none it cannot see', () => {
    // Prepare
    const observed = withDelay(60);
    const green = observed.targetGroups[TG_GREEN];
    if (green === undefined) throw new Error('no green target group');
    green.deregistrationDelaySeconds = 300;
    web(observed).loadBalancers.push({ loadBalancerName: 'classic', containerName: 'app', containerPort: 8080 });

    // Act
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(findings.map((f) => [f.resource, f.kind, f.serviceName])).toEqual([
      [TG_BLUE, 'cuts-connections', 'web'],
      [TG_GREEN, 'slows-deployments', 'web'],
    ]);
  });
});

describe('stopTimeoutOf', () => {
  it('takes the longest stop timeout of the containers, and 30 s for one that sets none', () => {
    // Prepare
    const observed = cleanObservation();
    const service = web(observed);
    service.containers = [
      { name: 'app', portMappings: [], stopTimeout: 90 },
      { name: 'sidecar', portMappings: [] },
    ];

    // Act
    const seconds = stopTimeoutOf(service);

    // Assess
    expect(seconds).toBe(90);
  });

  it('takes a stop timeout shorter than the default when every container sets it: ECS kills them that early', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).containers = [
      { name: 'app', portMappings: [{ containerPort: 8080 }], stopTimeout: 10 },
      { name: 'log-router', portMappings: [], stopTimeout: 5 },
    ];

    // Act
    const seconds = stopTimeoutOf(web(observed));
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(seconds).toBe(10);
    expect(findings.map((f) => [f.resource, f.kind, f.facts])).toEqual([
      [TG_BLUE, 'cuts-connections', { deregistrationDelaySeconds: 30, stopTimeoutSeconds: 10 }],
      [TG_GREEN, 'cuts-connections', { deregistrationDelaySeconds: 30, stopTimeoutSeconds: 10 }],
    ]);
  });

  it("takes ECS's default of 30 s for a service whose task definition shows no container", () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).containers = [];

    // Act
    const seconds = stopTimeoutOf(web(observed));

    // Assess
    expect(seconds).toBe(30);
  });
});

describe('deregistration delay on a service without a target group', () => {
  it('finds nothing for a service that names no target group', () => {
    // Prepare
    const observed = withDelay(300);
    web(observed).loadBalancers = [{ loadBalancerName: 'classic', containerName: 'app', containerPort: 8080 }];

    // Act
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
