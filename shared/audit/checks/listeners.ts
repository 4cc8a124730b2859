import { auditConsole, loadBalancerLabel } from '../console.js';
import type { AuditObservation, FindingDraft, ObservedLoadBalancer } from '../types.js';

/** Certificates expiring within this many days are reported; within a week, as critical. */
export const CERTIFICATE_WARNING_DAYS = 30;
export const CERTIFICATE_CRITICAL_DAYS = 7;
/** TLS versions deprecated by RFC 8996. */
const OUTDATED_PROTOCOLS = ['SSLv3', 'TLSv1', 'TLSv1.1'];
const DAY_MS = 86_400_000;

/** The services a load balancer fronts, by name: a listener's finding concerns all of them. */
function frontedBy(observed: AuditObservation, loadBalancer: ObservedLoadBalancer) {
  const services = observed.services.filter((s) =>
    s.loadBalancers.some(
      (link) =>
        link.targetGroupArn && observed.targetGroups[link.targetGroupArn]?.loadBalancerArns.includes(loadBalancer.arn),
    ),
  );
  return {
    clusterName: [...new Set(services.map((s) => s.clusterName))].sort().join(',') || '-',
    names: services.map((s) => s.serviceName).sort(),
  };
}

/**
 * Check 5: internet-facing plain-HTTP listeners that do not redirect to HTTPS, HTTPS listeners on a TLS policy
 * that still allows TLS 1.0/1.1, and listener certificates that expire within 30 days.
 */
export function checkListeners(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const now = Date.parse(observed.now);
  for (const loadBalancer of Object.values(observed.loadBalancers)) {
    const fronted = frontedBy(observed, loadBalancer);
    const owner = { clusterName: fronted.clusterName };
    const name = loadBalancerLabel(loadBalancer.arn);
    const serving = fronted.names.length > 0 ? ` (in front of ${fronted.names.join(', ')})` : '';
    for (const listener of loadBalancer.listeners) {
      const consoleUrl = auditConsole.listener(observed.region, listener.arn);
      const where = `${name} ${listener.protocol}:${listener.port}`;
      const redirects = listener.defaultActions.some((a) => a.type === 'redirect' && a.redirectProtocol === 'HTTPS');
      if (loadBalancer.scheme === 'internet-facing' && listener.protocol === 'HTTP' && !redirects) {
        findings.push({
          check: 'listeners',
          kind: 'plain-http',
          severity: 'warning',
          ...owner,
          resource: listener.arn,
          problem: `internet-facing listener ${where}${serving} serves plain HTTP and does not redirect to HTTPS`,
          impact:
            'requests, cookies and credentials cross the internet unencrypted and can be read or altered on the way',
          fix: 'make the default action of this listener a redirect to HTTPS (port 443, HTTP_301) and serve from an HTTPS listener',
          consoleUrl,
          facts: { port: listener.port },
        });
      }
      const secure = listener.protocol === 'HTTPS' || listener.protocol === 'TLS';
      const allowed = secure && listener.sslPolicy ? observed.sslPolicies[listener.sslPolicy] : undefined;
      const outdated = (allowed ?? []).filter((p) => OUTDATED_PROTOCOLS.includes(p));
      if (listener.sslPolicy && outdated.length > 0) {
        findings.push({
          check: 'listeners',
          kind: 'outdated-tls-policy',
          severity: 'warning',
          ...owner,
          resource: listener.arn,
          problem: `listener ${where}${serving} uses TLS policy ${listener.sslPolicy}, which still allows ${outdated.join(', ')}`,
          impact:
            'clients may negotiate deprecated TLS versions (RFC 8996) that compliance scans fail and attacks target',
          fix: 'switch the listener to ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.2 and 1.3)',
          consoleUrl,
          facts: { sslPolicy: listener.sslPolicy },
        });
      }
      for (const certificateArn of listener.certificateArns) {
        const certificate = observed.certificates[certificateArn];
        if (certificate?.notAfter === undefined) continue;
        const daysLeft = Math.floor((Date.parse(certificate.notAfter) - now) / DAY_MS);
        if (daysLeft >= CERTIFICATE_WARNING_DAYS) continue;
        const expired = daysLeft < 0;
        findings.push({
          check: 'listeners',
          kind: expired ? 'certificate-expired' : 'certificate-expiring',
          severity: daysLeft < CERTIFICATE_CRITICAL_DAYS ? 'critical' : 'warning',
          ...owner,
          resource: certificateArn,
          problem: `certificate ${certificate.domainName ?? certificateArn} of listener ${where}${serving} ${expired ? 'expired' : 'expires'} on ${certificate.notAfter.slice(0, 10)}${expired ? '' : ` (in ${daysLeft} day${daysLeft === 1 ? '' : 's'})`}`,
          impact: 'once it expires, browsers and clients refuse the connection: the service is down for them',
          fix: 'renew or replace the certificate (ACM renews DNS-validated certificates only while their validation records exist) and attach the new one to the listener',
          consoleUrl: auditConsole.certificate(observed.region, certificateArn),
          facts: { listener: listener.arn, notAfter: certificate.notAfter },
        });
      }
    }
  }
  return findings;
}
