import { describe, expect, it } from 'vitest';
import { runChecks } from '#shared/audit/checks/index.js';
import { cleanObservation, TG_BLUE, web } from './observation.js';

describe('Audit: runChecks', () => {
  it('finds nothing on a correct setup', () => {
    // Prepare
    const observed = cleanObservation();

    // Act
    const findings = runChecks(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('gives a finding the same id on every run, and a new one when its facts change', () => {
    // Prepare
    const first = cleanObservation();
    web(first).desiredCount = 12;
    const again = structuredClone(first);
    const changed = structuredClone(first);
    web(changed).desiredCount = 13;

    // Act
    const ids = [first, again, changed].map((observed) => runChecks(observed).map((f) => f.id));

    // Assess
    expect(ids[0]).toEqual(ids[1]);
    expect(ids[0]).toHaveLength(1);
    expect(ids[2]?.[0]).not.toBe(ids[0]?.[0]);
    expect(ids[0]?.[0]).toMatch(/^scaling\/desired-count-out-of-bounds\/[0-9a-f]{16}$/);
  });

  it('lists critical findings before warnings', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).desiredCount = 12;
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, containerName: 'app', containerPort: 81 }];

    // Act
    const findings = runChecks(observed);

    // Assess
    expect(findings.map((f) => [f.severity, f.kind])).toEqual([
      ['critical', 'container-port-missing'],
      ['critical', 'load-balancer-blocked'],
      ['warning', 'desired-count-out-of-bounds'],
    ]);
  });
});
