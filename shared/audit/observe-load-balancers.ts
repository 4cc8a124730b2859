import { type ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  type Action,
  DescribeListenerCertificatesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeSSLPoliciesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { arnServiceOf } from '../aws/arn.js';
import { chunks } from './observe-services.js';
import type {
  ObservedAction,
  ObservedCertificate,
  ObservedListener,
  ObservedLoadBalancer,
  ObservedSecurityGroup,
  ObservedTargetGroup,
} from './types.js';

/** ELB's Describe* calls take at most 20 ARNs (DescribeTags, DescribeTargetGroups, DescribeLoadBalancers). */
const ELB_BATCH = 20;

function action(a: Action): ObservedAction {
  const groups = a.ForwardConfig?.TargetGroups ?? (a.TargetGroupArn ? [{ TargetGroupArn: a.TargetGroupArn }] : []);
  return {
    type: a.Type ?? '',
    ...(a.RedirectConfig?.Protocol && { redirectProtocol: a.RedirectConfig.Protocol }),
    ...(a.Type === 'forward' && {
      forward: {
        targetGroups: groups.map((g) => ({ arn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 })),
        stickinessEnabled: a.ForwardConfig?.TargetGroupStickinessConfig?.Enabled === true,
      },
    }),
  };
}

/** Target groups with their health check and the attributes the checks read, one attributes call each. */
export async function observeTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  arns: readonly string[],
  unreadable: (arn: string, error: unknown) => void,
) {
  const out: Record<string, ObservedTargetGroup> = {};
  const describe = async (batch: string[]) =>
    (await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: batch }))).TargetGroups ?? [];
  for (const batch of chunks(arns, ELB_BATCH)) {
    let groups: Awaited<ReturnType<typeof describe>> = [];
    try {
      groups = await describe(batch);
    } catch {
      // One deleted target group fails the whole call: read the batch one by one to name it and keep the others.
      for (const arn of batch) {
        try {
          groups.push(...(await describe([arn])));
        } catch (error) {
          unreadable(arn, error);
        }
      }
    }
    for (const group of groups) {
      const arn = group.TargetGroupArn ?? '';
      const attributes = await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
      const attribute = (key: string) => attributes.Attributes?.find((a) => a.Key === key)?.Value;
      out[arn] = {
        arn,
        name: group.TargetGroupName ?? '',
        ...(group.Port !== undefined && { port: group.Port }),
        ...(group.HealthCheckPath && { healthCheckPath: group.HealthCheckPath }),
        healthCheckIntervalSeconds: group.HealthCheckIntervalSeconds ?? 30,
        healthyThreshold: group.HealthyThresholdCount ?? 5,
        unhealthyThreshold: group.UnhealthyThresholdCount ?? 2,
        deregistrationDelaySeconds: Number(attribute('deregistration_delay.timeout_seconds') ?? 300),
        stickinessEnabled: attribute('stickiness.enabled') === 'true',
        loadBalancerArns: group.LoadBalancerArns ?? [],
      };
    }
  }
  return out;
}

/** Tags of the weighted rules only (the only ones a check reads tags of), twenty a call. */
async function ruleTags(elbv2: ElasticLoadBalancingV2Client, rules: readonly Rule[]) {
  const weighted = rules
    .filter((r) => (r.Actions ?? []).some((a) => (a.ForwardConfig?.TargetGroups ?? []).length >= 2))
    .map((r) => r.RuleArn ?? '');
  const tags = new Map<string, Record<string, string>>();
  for (const batch of chunks(weighted, ELB_BATCH)) {
    const out = await elbv2.send(new DescribeTagsCommand({ ResourceArns: batch }));
    for (const d of out.TagDescriptions ?? []) {
      tags.set(d.ResourceArn ?? '', Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
    }
  }
  return tags;
}

/** Every rule of a listener, following the marker. */
async function listenerRules(elbv2: ElasticLoadBalancingV2Client, listenerArn: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker }));
    rules.push(...(page.Rules ?? []));
    marker = page.NextMarker;
  } while (marker);
  return rules;
}

/** Every certificate of an HTTPS listener, the default and the SNI ones, following the marker. */
async function listenerCertificates(elbv2: ElasticLoadBalancingV2Client, listenerArn: string): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(
      new DescribeListenerCertificatesCommand({ ListenerArn: listenerArn, Marker: marker }),
    );
    arns.push(...(page.Certificates ?? []).flatMap((c) => (c.CertificateArn ? [c.CertificateArn] : [])));
    marker = page.NextMarker;
  } while (marker);
  return [...new Set(arns)];
}

/** Load balancers with their listeners, rules (tags of weighted ones) and certificates. */
export async function observeLoadBalancers(elbv2: ElasticLoadBalancingV2Client, arns: readonly string[]) {
  const out: Record<string, ObservedLoadBalancer> = {};
  for (const batch of chunks(arns, ELB_BATCH)) {
    const page = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: batch }));
    for (const lb of page.LoadBalancers ?? []) {
      const arn = lb.LoadBalancerArn ?? '';
      const listeners: ObservedListener[] = [];
      for await (const listenersPage of paginateDescribeListeners({ client: elbv2 }, { LoadBalancerArn: arn })) {
        for (const listener of listenersPage.Listeners ?? []) {
          const listenerArn = listener.ListenerArn ?? '';
          const rules = await listenerRules(elbv2, listenerArn);
          const tags = await ruleTags(elbv2, rules);
          const secure = listener.Protocol === 'HTTPS' || listener.Protocol === 'TLS';
          listeners.push({
            arn: listenerArn,
            protocol: listener.Protocol ?? '',
            port: listener.Port ?? 0,
            ...(listener.SslPolicy && { sslPolicy: listener.SslPolicy }),
            certificateArns: secure ? await listenerCertificates(elbv2, listenerArn) : [],
            defaultActions: (listener.DefaultActions ?? []).map(action),
            rules: rules.map((rule) => ({
              arn: rule.RuleArn ?? '',
              isDefault: rule.IsDefault === true,
              actions: (rule.Actions ?? []).map(action),
              tags: tags.get(rule.RuleArn ?? '') ?? {},
            })),
          });
        }
      }
      out[arn] = {
        arn,
        name: lb.LoadBalancerName ?? '',
        scheme: lb.Scheme === 'internal' ? 'internal' : 'internet-facing',
        securityGroupIds: lb.SecurityGroups ?? [],
        listeners,
      };
    }
  }
  return out;
}

/** The TLS protocols of each SSL policy in use, in one call. */
export async function observeSslPolicies(elbv2: ElasticLoadBalancingV2Client, names: readonly string[]) {
  if (names.length === 0) return {};
  const out = await elbv2.send(new DescribeSSLPoliciesCommand({ Names: [...names] }));
  return Object.fromEntries((out.SslPolicies ?? []).map((p) => [p.Name ?? '', p.SslProtocols ?? []]));
}

/** Security groups with their inbound rules, a hundred a call. */
export async function observeSecurityGroups(ec2: EC2Client, ids: readonly string[]) {
  const out: Record<string, ObservedSecurityGroup> = {};
  for (const batch of chunks(ids, 100)) {
    const page = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: batch }));
    for (const group of page.SecurityGroups ?? []) {
      out[group.GroupId ?? ''] = {
        id: group.GroupId ?? '',
        name: group.GroupName ?? '',
        inbound: (group.IpPermissions ?? []).map((p) => ({
          protocol: p.IpProtocol ?? '-1',
          ...(p.FromPort !== undefined && { fromPort: p.FromPort }),
          ...(p.ToPort !== undefined && { toPort: p.ToPort }),
          groupIds: (p.UserIdGroupPairs ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
          cidrs: [
            ...(p.IpRanges ?? []).flatMap((r) => (r.CidrIp ? [r.CidrIp] : [])),
            ...(p.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 ? [r.CidrIpv6] : [])),
          ],
        })),
      };
    }
  }
  return out;
}

/** When each ACM certificate expires; IAM server certificates are not ACM's and are left out. */
export async function observeCertificates(acm: ACMClient, arns: readonly string[]) {
  const out: Record<string, ObservedCertificate> = {};
  for (const arn of arns.filter((a) => arnServiceOf(a) === 'acm')) {
    const described = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    const certificate = described.Certificate;
    out[arn] = {
      arn,
      ...(certificate?.DomainName && { domainName: certificate.DomainName }),
      ...(certificate?.NotAfter && { notAfter: certificate.NotAfter.toISOString() }),
    };
  }
  return out;
}
