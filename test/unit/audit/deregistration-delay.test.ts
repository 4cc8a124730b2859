import { describe, expect, it } from 'vitest';
import { checkDeregistrationDelay } from '#shared/audit/checks/deregistration-delay.js';
import { cleanObservation, TG_BLUE, web } from './observation.js';

function withDelay(seconds: number) {
  const observed = cleanObservation();
  const blue = observed.targetGroups[TG_BLUE];
  if (blue === undefined) throw new Error('no blue target group');
  blue.deregistrationDelaySeconds = seconds;
  return observed;
}

describe('Audit check 4: checkDeregistrationDelay', () => {
  it('finds nothing on a delay within the stop timeout plus the margin', () => {
    // Prepare
    const observed = withDelay(45);

    // Act
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds a delay longer than the stop timeout plus the margin: connections are cut', () => {
    // Prepare
    const observed = withDelay(60);

    // Act
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'cuts-connections',
        resource: TG_BLUE,
        facts: { deregistrationDelaySeconds: 60, stopTimeoutSeconds: 30 },
      }),
    ]);
  });

  it("finds ELB's default 300 s as much longer than needed: deployments wait", () => {
    // Prepare
    const observed = withDelay(300);

    // Act
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(findings.map((f) => f.kind)).toEqual(['slows-deployments']);
    expect(findings[0]?.fix).toContain('at most 45 s');
  });

  it('judges by the longest container stop timeout, so a 120 s timeout covers a 120 s drain', () => {
    // Prepare
    const observed = withDelay(120);
    const app = web(observed).containers[0];
    if (app === undefined) throw new Error('no app container');
    app.stopTimeout = 120;

    // Act
    const findings = checkDeregistrationDelay(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
