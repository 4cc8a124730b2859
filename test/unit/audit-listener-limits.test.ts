import { describe, expect, it } from 'vitest';
import { checkListeners } from '#shared/audit/checks/listeners.js';
import type { AuditObservation, ObservedListener } from '#shared/audit/types.js';
import { CERTIFICATE, cleanObservation, HTTP_LISTENER, HTTPS_LISTENER, LB, SERVICE, web } from './audit/observation.js';

function listener(observed: AuditObservation, index: number): ObservedListener {
  const found = observed.loadBalancers[LB]?.listeners[index];
  if (found === undefined) throw new Error(`no listener ${index}`);
  return found;
}

/** The clean setup (now: 2026-11-26 12:00 UTC) with the certificate expiring at `notAfter`. */
function expiringOn(notAfter: string, domainName?: string): AuditObservation {
  const observed = cleanObservation();
  observed.certificates[CERTIFICATE] = { arn: CERTIFICATE, notAfter, ...(domainName && { domainName }) };
  return observed;
}

const TG_UNSEEN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/unseen/1';
const LISTENER_URL = `https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ListenerDetails:listenerArn=${encodeURIComponent(HTTP_LISTENER)}`;

describe('Audit check 5: plain HTTP', () => {
  it('tells a platform team which internet-facing listener serves plain HTTP and in front of which services', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 0).defaultActions = [{ type: 'redirect', redirectProtocol: 'HTTP' }];
    observed.services.push({ ...web(observed), clusterName: 'apps', serviceName: 'api', serviceArn: `${SERVICE}-api` });

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'listeners',
        kind: 'plain-http',
        severity: 'warning',
        clusterName: 'apps,prod',
        resource: HTTP_LISTENER,
        problem:
          'internet-facing listener prod-alb HTTP:80 (in front of api, web) serves plain HTTP and does not redirect to HTTPS',
        impact:
          'requests, cookies and credentials cross the internet unencrypted and can be read or altered on the way',
        fix: 'make the default action of this listener a redirect to HTTPS (port 443, HTTP_301) and serve from an HTTPS listener',
        consoleUrl: LISTENER_URL,
        facts: { port: 80 },
      },
    ]);
  });

  it('names no service and no cluster for a load balancer in front of none it audited', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 0).defaultActions = [{ type: 'fixed-response' }];
    observed.services = [];

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings.map((f) => [f.clusterName, f.problem])).toEqual([
      ['-', 'internet-facing listener prod-alb HTTP:80 serves plain HTTP and does not redirect to HTTPS'],
    ]);
  });

  it('names only the services whose target groups are on this load balancer', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 0).defaultActions = [];
    const worker = {
      ...web(observed),
      clusterName: 'batch',
      serviceName: 'worker',
      loadBalancers: [{ loadBalancerName: 'classic' }, { targetGroupArn: `${TG_UNSEEN}` }],
    };
    observed.services.push(worker);
    web(observed).loadBalancers.push({ loadBalancerName: 'classic' });

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings.map((f) => [f.clusterName, f.problem])).toEqual([
      ['prod', expect.stringContaining('prod-alb HTTP:80 (in front of web) serves plain HTTP')],
    ]);
  });

  it('takes only a redirect to HTTPS as an answer to plain HTTP', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 0).defaultActions = [{ type: 'forward', redirectProtocol: 'HTTPS' }];

    // Act
    const kinds = checkListeners(observed).map((f) => f.kind);

    // Assess
    expect(kinds).toEqual(['plain-http']);
  });
});

describe('Audit check 5: TLS policies', () => {
  it('judges the policy of a TLS listener too, and says which deprecated versions it allows', () => {
    // Prepare
    const observed = cleanObservation();
    Object.assign(listener(observed, 1), { protocol: 'TLS', sslPolicy: 'ELBSecurityPolicy-2016-08' });

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'outdated-tls-policy',
        severity: 'warning',
        clusterName: 'prod',
        resource: HTTPS_LISTENER,
        problem:
          'listener prod-alb TLS:443 (in front of web) uses TLS policy ELBSecurityPolicy-2016-08, which still allows TLSv1, TLSv1.1',
        impact:
          'clients may negotiate deprecated TLS versions (RFC 8996) that compliance scans fail and attacks target',
        fix: 'switch the listener to ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2 and 1.3)',
        facts: { sslPolicy: 'ELBSecurityPolicy-2016-08' },
      }),
    ]);
  });

  it('counts SSLv3 as deprecated, and a policy it could not read as nothing to report', () => {
    // Prepare
    const observed = cleanObservation();
    observed.sslPolicies.legacy = ['SSLv3', 'TLSv1.2'];
    listener(observed, 1).sslPolicy = 'legacy';
    const unread = cleanObservation();
    listener(unread, 1).sslPolicy = 'unknown-policy';

    // Act
    const problems = [checkListeners(observed), checkListeners(unread)].map((f) => f.map((x) => x.problem));

    // Assess
    expect(problems).toEqual([[expect.stringMatching(/which still allows SSLv3$/)], []]);
  });
});

describe('Audit check 5: certificates', () => {
  it('counts whole days left: 29 days and 23 hours is a finding, 30 days is not', () => {
    // Prepare
    const justUnder = expiringOn('2026-12-26T11:00:00.000Z');
    const thirty = expiringOn('2026-12-26T12:00:00.000Z');

    // Act
    const found = [justUnder, thirty].map((o) => checkListeners(o).map((f) => [f.kind, f.severity]));

    // Assess
    expect(found).toEqual([[['certificate-expiring', 'warning']], []]);
  });

  it('turns critical under seven whole days: seven days left is a warning, six is critical', () => {
    // Prepare
    const seven = expiringOn('2026-12-03T12:00:00.000Z');
    const six = expiringOn('2026-12-03T11:59:59.000Z');

    // Act
    const severities = [seven, six].map((o) => checkListeners(o).map((f) => f.severity));

    // Assess
    expect(severities).toEqual([['warning'], ['critical']]);
  });

  it('tells a platform team the day a certificate expires and how many days are left', () => {
    // Prepare
    const observed = expiringOn('2026-11-27T18:00:00.000Z', 'web.example.com');

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([
      {
        check: 'listeners',
        kind: 'certificate-expiring',
        severity: 'critical',
        clusterName: 'prod',
        resource: CERTIFICATE,
        problem:
          'certificate web.example.com of listener prod-alb HTTPS:443 (in front of web) expires on 2026-11-27 (in 1 day)',
        impact: 'once it expires, browsers and clients refuse the connection: the service is down for them',
        fix: 'renew or replace the certificate (ACM renews DNS-validated certificates only while their validation records exist) and attach the new one to the listener',
        consoleUrl:
          'https://us-east-1.console.aws.amazon.com/acm/home?region=us-east-1#/certificates/12345678-1234-1234-1234-123456789012',
        facts: { listener: HTTPS_LISTENER, notAfter: '2026-11-27T18:00:00.000Z' },
      },
    ]);
  });

  it('says a certificate expiring today has 0 days left, and one a second past its end expired', () => {
    // Prepare
    const today = expiringOn('2026-11-26T18:00:00.000Z');
    const past = expiringOn('2026-11-26T11:59:59.000Z');

    // Act
    const found = [today, past].map((o) => checkListeners(o).map((f) => [f.kind, f.severity, f.problem]));

    // Assess
    expect(found).toEqual([
      [['certificate-expiring', 'critical', expect.stringMatching(/expires on 2026-11-26 \(in 0 days\)$/)]],
      [['certificate-expired', 'critical', expect.stringMatching(/\(in front of web\) expired on 2026-11-26$/)]],
    ]);
  });

  it('names a certificate without a domain by its ARN, and skips one whose expiry it could not read', () => {
    // Prepare
    const observed = expiringOn('2026-12-10T00:00:00.000Z');
    const other = `${CERTIFICATE.slice(0, -3)}999`;
    listener(observed, 1).certificateArns.push(other);
    observed.certificates[other] = { arn: other };

    // Act
    const problems = checkListeners(observed).map((f) => f.problem);

    // Assess
    expect(problems).toEqual([
      `certificate ${CERTIFICATE} of listener prod-alb HTTPS:443 (in front of web) expires on 2026-12-10 (in 13 days)`,
    ]);
  });

  it('skips a certificate it did not read at all, such as an IAM server certificate', () => {
    // Prepare
    const observed = cleanObservation();
    listener(observed, 1).certificateArns.push('arn:aws:iam::111122223333:server-certificate/legacy');

    // Act
    const findings = checkListeners(observed);

    // Assess
    expect(findings).toEqual([]);
  });
});
