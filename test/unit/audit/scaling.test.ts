import { describe, expect, it } from 'vitest';
import { checkScaling } from '#shared/audit/checks/scaling.js';
import { cleanObservation, SERVICE, web } from './observation.js';

describe('Audit check 7: checkScaling', () => {
  it('finds nothing on a desired count within bounds scaled by one controller', () => {
    // Prepare
    const observed = cleanObservation();

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it("finds a desired count above the scalable target's maximum", () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).desiredCount = 12;

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'desired-count-out-of-bounds',
        resource: SERVICE,
        facts: { desiredCount: 12, min: 2, max: 10 },
      }),
    ]);
  });

  it("finds a desired count below the scalable target's minimum", () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).desiredCount = 1;

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings.map((f) => f.problem)).toEqual(["desired count 1 is outside the scalable target's bounds 2-10"]);
  });

  it('finds Application Auto Scaling policies on a service ecs-autopilot also scales', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).scalingPolicyNames = ['cpu-target-tracking'];

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'two-scalers', facts: { policies: 'cpu-target-tracking' } }),
    ]);
  });

  it('leaves scaling policies alone on a service ecs-autopilot does not scale', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).scalingPolicyNames = ['cpu-target-tracking'];
    web(observed).scaledByAutopilot = false;

    // Act
    const findings = checkScaling(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
