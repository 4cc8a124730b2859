import { describe, expect, it } from 'vitest';
import { checkLoadBalancerConfig } from '#shared/audit/checks/load-balancer-config.js';
import { cleanObservation, TG_BLUE, web } from './observation.js';

describe('Audit check 1: checkLoadBalancerConfig', () => {
  it('finds nothing on a service whose target groups name a mapped container port', () => {
    // Prepare
    const observed = cleanObservation();

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds a service that publishes a port but has no load balancer, service discovery or Service Connect', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'no-load-balancer',
        severity: 'warning',
        serviceName: 'web',
        facts: { ports: 'app:8080' },
      }),
    ]);
  });

  it('leaves alone a service without a load balancer that is reached through Service Connect', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [];
    web(observed).servedWithoutLoadBalancer = true;

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds a load balancer entry naming a container the task definition does not have', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, containerName: 'web', containerPort: 8080 }];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'container-missing', severity: 'critical', resource: TG_BLUE }),
    ]);
    expect(findings[0]?.problem).toContain('"web", which its task definition does not have (it has app, log-router)');
  });

  it('finds a load balancer entry naming a port the container does not map', () => {
    // Prepare
    const observed = cleanObservation();
    web(observed).loadBalancers = [{ targetGroupArn: TG_BLUE, containerName: 'app', containerPort: 80 }];

    // Act
    const findings = checkLoadBalancerConfig(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'container-port-missing', facts: { containerName: 'app', containerPort: 80 } }),
    ]);
    expect(findings[0]?.fix).toBe('map port 80 in the container definition, or point the service at a port it maps');
  });
});
