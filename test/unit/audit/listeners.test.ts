import { describe, expect, it } from 'vitest';
import { checkListeners } from '#shared/audit/checks/listeners.js';
import type { AuditObservation } from '#shared/audit/types.js';
import { CERTIFICATE, cleanObservation, HTTP_LISTENER, HTTPS_LISTENER, LB } from './observation.js';

function loadBalancer(observed: AuditObservation) {
  const found = observed.loadBalancers[LB];
  if (found === undefined) throw new Error('no load balancer');
  return found;
}
const listener = (observed: AuditObservation, index: number) => {
  const found = loadBalancer(observed).listeners[index];
  if (found === undefined) throw new Error(`no listener ${index}`);
  return found;
};
const expiringOn = (notAfter: string) => {
  const observed = cleanObservation();
  observed.certificates[CERTIFICATE] = { arn: CERTIFICATE, domainName: 'web.example.com', notAfter };
  return observed;
};

describe('Audit check 5: checkListeners', () => {
  it('finds nothing on a redirecting HTTP listener, a current TLS policy and a certificate valid for months', () => {
    // Prepare
    const observed = cleanObservation();

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds an internet-facing HTTP listener that forwards instead of redirecting to HTTPS', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 0).defaultActions = [
      { type: 'forward', forward: { targetGroups: [{ arn: 'tg', weight: 1 }], stickinessEnabled: false } },
    ];

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'plain-http',
        resource: HTTP_LISTENER,
        clusterName: 'prod',
        facts: { port: 80 },
      }),
    ]);
  });

  it('leaves plain HTTP alone on an internal load balancer', () => {
    // Prepare
    const observed = cleanObservation();
    loadBalancer(observed).scheme = 'internal';
    listener(observed, 0).defaultActions = [{ type: 'fixed-response' }];

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds an HTTPS listener on a policy that still allows TLS 1.0 and 1.1', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 1).sslPolicy = 'ELBSecurityPolicy-2016-08';

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([expect.objectContaining({ kind: 'outdated-tls-policy', resource: HTTPS_LISTENER })]);
    expect(findings[0]?.serviceName).toBeUndefined();
    expect(findings[0]?.problem).toBe(
      'listener prod-alb HTTPS:443 (in front of web) uses TLS policy ELBSecurityPolicy-2016-08, which still allows TLSv1, TLSv1.1',
    );
  });

  it('does not judge the TLS policy an HTTP listener reports', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 0).sslPolicy = 'ELBSecurityPolicy-2016-08';

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([]);
  });

  it('finds a certificate expiring within 30 days as a warning', () => {
    // Prepare
    const observed = expiringOn('2026-12-16T00:00:00.000Z');

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'certificate-expiring', severity: 'warning', resource: CERTIFICATE }),
    ]);
    expect(findings[0]?.problem).toContain('expires on 2026-12-16 (in 19 days)');
  });

  it('finds a certificate expiring within a week, or expired, as critical', () => {
    // Prepare
    const soon = expiringOn('2026-11-30T00:00:00.000Z');
    const past = expiringOn('2026-11-01T00:00:00.000Z');

    // Act
    const findings = [...checkListeners(soon), ...checkListeners(past)];

    // Assess
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([
      ['certificate-expiring', 'critical'],
      ['certificate-expired', 'critical'],
    ]);
  });

  it('leaves alone a certificate with 30 days left', () => {
    // Prepare
    const observed = expiringOn('2026-12-26T12:00:00.000Z');

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
