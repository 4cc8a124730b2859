import { describe, expect, it } from 'vitest';
import { isInService, membershipBasis } from '#shared/targets/membership.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/0123456789abcdef';

describe('Targets: isInService', () => {
  it.each([
    ['initial', true],
    ['healthy', true],
    ['unhealthy', true],
    ['unused', true],
    ['unavailable', true],
    ['draining', false],
    ['not-registered', false],
  ])('counts a target in state %s as in service: %s', (state, inService) => {
    // Act & Assess
    expect(isInService({ id: '10.0.1.17', port: 8080, state })).toBe(inService);
  });
});

describe('Targets: membershipBasis', () => {
  it('tells two tasks on one EC2 instance apart by their host ports', () => {
    // Prepare
    const health = {
      targetGroupArn: TG,
      targets: [
        { id: 'i-0abc', port: 32768, state: 'healthy' },
        { id: 'i-0abc', port: 32769, state: 'healthy' },
        { id: 'i-0abc', port: 32770, state: 'unhealthy' },
        { id: 'i-0def', port: 32768, state: 'draining' },
      ],
    };

    // Act
    const basis = membershipBasis(health, [{ id: 'i-0abc', port: 32769 }]);

    // Assess
    expect(basis).toEqual({ inService: 3, healthy: 2, removingHealthy: 1 });
  });
});
