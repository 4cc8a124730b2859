import { type MotoProxy, selector } from './moto-proxy.js';

/**
 * Service settings moto neither stores nor returns, answered as ECS does: DescribeServices fields copied from the ECS
 * API reference (`healthCheckGracePeriodSeconds`, `deploymentConfiguration` with its `strategy` and
 * `linearConfiguration`, `loadBalancers[].advancedConfiguration`).
 */
export interface RecordedServiceSettings {
  healthCheckGracePeriodSeconds?: number;
  deploymentConfiguration?: Record<string, unknown>;
  /** Put on the service's load balancer entry of this target group. */
  advancedConfiguration?: { targetGroupArn: string } & Record<string, unknown>;
}

export interface RecordedAuditAnswers {
  services?: Record<string, RecordedServiceSettings>;
  /** ACM's `NotAfter` of a certificate (moto's requested certificates are valid 365 days). */
  certificateExpiry?: Record<string, Date>;
}

type Json = Record<string, unknown>;

function rewriteJson(body: Buffer, edit: (answer: Json) => void): Buffer {
  const answer = JSON.parse(body.toString('utf8')) as Json;
  edit(answer);
  return Buffer.from(JSON.stringify(answer));
}

/** Adds what moto does not model to its ECS DescribeServices and ACM DescribeCertificate answers; returns the remover. */
export function recordAuditAnswers(proxy: MotoProxy, recorded: RecordedAuditAnswers): () => void {
  const removeServices = proxy.addRule({
    name: 'recorded ECS service settings',
    match: selector('ecs:DescribeServices'),
    rewrite: (_call, upstream) => {
      if (upstream.status !== 200) return upstream;
      const body = rewriteJson(upstream.body, (answer) => {
        for (const service of (answer.services ?? []) as Json[]) {
          const settings = recorded.services?.[String(service.serviceName)];
          if (settings === undefined) continue;
          if (settings.healthCheckGracePeriodSeconds !== undefined) {
            service.healthCheckGracePeriodSeconds = settings.healthCheckGracePeriodSeconds;
          }
          if (settings.deploymentConfiguration) service.deploymentConfiguration = settings.deploymentConfiguration;
          const { targetGroupArn, ...advanced } = settings.advancedConfiguration ?? { targetGroupArn: '' };
          for (const entry of (service.loadBalancers ?? []) as Json[]) {
            if (entry.targetGroupArn === targetGroupArn) entry.advancedConfiguration = advanced;
          }
        }
      });
      return { ...upstream, body };
    },
  });
  const removeCertificates = proxy.addRule({
    name: 'recorded certificate expiry',
    match: selector('acm:DescribeCertificate'),
    rewrite: (_call, upstream) => {
      if (upstream.status !== 200) return upstream;
      const body = rewriteJson(upstream.body, (answer) => {
        const certificate = answer.Certificate as Json | undefined;
        const expiry = certificate && recorded.certificateExpiry?.[String(certificate.CertificateArn)];
        if (certificate && expiry) certificate.NotAfter = expiry.getTime() / 1000;
      });
      return { ...upstream, body };
    },
  });
  return () => {
    removeServices();
    removeCertificates();
  };
}
