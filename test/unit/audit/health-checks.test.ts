import { describe, expect, it } from 'vitest';
import { checkHealthChecks } from '#shared/audit/checks/health-checks.js';
import { cleanObservation, SERVICE, TG_BLUE, TG_GREEN, web } from './observation.js';

describe('Audit check 2: checkHealthChecks', () => {
  it('finds nothing on tuned health checks and a grace period longer than tasks take to pass them', () => {
    // Prepare
    const observed = cleanObservation();

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it("finds a target group on ELB's default path, interval and thresholds", () => {
    // Prepare
    const observed = cleanObservation();
    const blue = observed.targetGroups[TG_BLUE];
    if (blue === undefined) throw new Error('no blue target group');
    Object.assign(blue, { healthCheckPath: '/', healthCheckIntervalSeconds: 30, healthyThreshold: 5 });
    web(observed).healthCheckGracePeriodSeconds = 300;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings).toEqual([expect.objectContaining({ kind: 'default-health-check', resource: TG_BLUE })]);
  });

  it('leaves alone a target group that differs from the defaults in one setting', () => {
    // Prepare
    const observed = cleanObservation();
    const blue = observed.targetGroups[TG_BLUE];
    if (blue === undefined) throw new Error('no blue target group');
    Object.assign(blue, { healthCheckPath: '/health', healthCheckIntervalSeconds: 30, healthyThreshold: 5 });
    web(observed).healthCheckGracePeriodSeconds = 300;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it("finds a grace period shorter than healthy threshold × interval plus the container's start period", () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).healthCheckGracePeriodSeconds = 39;

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings.map((f) => [f.kind, f.resource, f.facts])).toEqual([
      ['grace-period-too-short', SERVICE, { gracePeriodSeconds: 39, neededSeconds: 40, targetGroup: TG_BLUE }],
      ['grace-period-too-short', SERVICE, { gracePeriodSeconds: 39, neededSeconds: 40, targetGroup: TG_GREEN }],
    ]);
    expect(findings[0]?.problem).toContain(
      "3 healthy checks × 10 s + the container health check's 10 s start period; a lower bound",
    );
  });

  it('takes a missing grace period as zero', () => {
    // Prepare
    const observed = cleanObservation();
    delete web(observed).healthCheckGracePeriodSeconds;
    web(observed).loadBalancers.pop();

    // Act
    const findings = checkHealthChecks(observed);

    // Assess
    expect(findings.map((f) => f.facts.gracePeriodSeconds)).toEqual([0]);
  });
});
