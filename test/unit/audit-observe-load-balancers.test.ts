import {
  type Action,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { observeLoadBalancers } from '#shared/audit/observe-load-balancers.js';

const client = new ElasticLoadBalancingV2Client({ region: 'us-east-1' });
const elbv2 = mockClient(client);
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const LB = `${ELB}:loadbalancer/app/prod-alb/1`;
const HTTP = `${ELB}:listener/app/prod-alb/1/80`;
const HTTPS = `${ELB}:listener/app/prod-alb/1/443`;
const TG = (name: string) => `${ELB}:targetgroup/${name}/1`;
const RULE = (n: number) => `${ELB}:listener-rule/app/prod-alb/1/443/${n}`;

beforeEach(() => {
  elbv2.reset();
  elbv2.on(DescribeLoadBalancersCommand).resolves({
    LoadBalancers: [
      { LoadBalancerArn: LB, LoadBalancerName: 'prod-alb', Scheme: 'internal', SecurityGroups: ['sg-alb'] },
    ],
  });
  elbv2.on(DescribeListenersCommand).resolves({
    Listeners: [
      {
        ListenerArn: HTTP,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
      },
      {
        ListenerArn: HTTPS,
        Protocol: 'HTTPS',
        Port: 443,
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        DefaultActions: [{ Type: 'forward', TargetGroupArn: TG('blue') }],
      },
    ],
  });
  elbv2.on(DescribeRulesCommand).resolves({});
  elbv2.on(DescribeListenerCertificatesCommand).resolves({});
  elbv2.on(DescribeTagsCommand).resolves({});
});

describe('observeLoadBalancers', () => {
  it('reads each listener with its protocol, port, policy and default actions, and the scheme and groups', async () => {
    // Act
    const observed = await observeLoadBalancers(client, [LB]);

    // Assess
    expect(observed).toEqual({
      [LB]: {
        arn: LB,
        name: 'prod-alb',
        scheme: 'internal',
        securityGroupIds: ['sg-alb'],
        listeners: [
          {
            arn: HTTP,
            protocol: 'HTTP',
            port: 80,
            certificateArns: [],
            defaultActions: [{ type: 'redirect', redirectProtocol: 'HTTPS' }],
            rules: [],
          },
          {
            arn: HTTPS,
            protocol: 'HTTPS',
            port: 443,
            sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
            certificateArns: [],
            defaultActions: [
              {
                type: 'forward',
                forward: { targetGroups: [{ arn: TG('blue'), weight: 1 }], stickinessEnabled: false },
              },
            ],
            rules: [],
          },
        ],
      },
    });
    expect(elbv2.commandCalls(DescribeListenerCertificatesCommand).map((c) => c.args[0].input.ListenerArn)).toEqual([
      HTTPS,
    ]);
  });

  it('follows the markers of rules and certificates, and lists each certificate once', async () => {
    // Prepare
    elbv2.on(DescribeRulesCommand, { ListenerArn: HTTPS, Marker: undefined }).resolves({
      Rules: [{ RuleArn: RULE(1), IsDefault: false, Actions: [] }],
      NextMarker: 'm1',
    });
    elbv2.on(DescribeRulesCommand, { ListenerArn: HTTPS, Marker: 'm1' }).resolves({
      Rules: [{ RuleArn: RULE(2), IsDefault: true, Actions: [{ Type: 'fixed-response' }] }],
    });
    elbv2.on(DescribeListenerCertificatesCommand, { ListenerArn: HTTPS, Marker: undefined }).resolves({
      Certificates: [{ CertificateArn: 'cert-a', IsDefault: true }, {}],
      NextMarker: 'c1',
    });
    elbv2.on(DescribeListenerCertificatesCommand, { ListenerArn: HTTPS, Marker: 'c1' }).resolves({
      Certificates: [{ CertificateArn: 'cert-a' }, { CertificateArn: 'cert-b' }],
    });

    // Act
    const https = (await observeLoadBalancers(client, [LB]))[LB]?.listeners[1];

    // Assess
    expect(https?.rules).toEqual([
      { arn: RULE(1), isDefault: false, actions: [], tags: {} },
      { arn: RULE(2), isDefault: true, actions: [{ type: 'fixed-response' }], tags: {} },
    ]);
    expect(https?.certificateArns).toEqual(['cert-a', 'cert-b']);
  });

  it('reads the weights and stickiness of a split, and the tags of weighted rules only', async () => {
    // Prepare
    const split: Action = {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: TG('blue'), Weight: 90 }, { TargetGroupArn: TG('green') }],
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
      },
    };
    elbv2.on(DescribeRulesCommand, { ListenerArn: HTTPS }).resolves({
      Rules: [
        { RuleArn: RULE(1), Actions: [split] },
        {
          RuleArn: RULE(2),
          Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG('blue') }] } }],
        },
      ],
    });
    elbv2.on(DescribeTagsCommand).resolves({
      TagDescriptions: [{ ResourceArn: RULE(1), Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'web' }] }],
    });

    // Act
    const rules = (await observeLoadBalancers(client, [LB]))[LB]?.listeners[1]?.rules;

    // Assess
    expect(rules).toEqual([
      {
        arn: RULE(1),
        isDefault: false,
        actions: [
          {
            type: 'forward',
            forward: {
              targetGroups: [
                { arn: TG('blue'), weight: 90 },
                { arn: TG('green'), weight: 1 },
              ],
              stickinessEnabled: true,
            },
          },
        ],
        tags: { 'aws:cloudformation:stack-name': 'web' },
      },
      {
        arn: RULE(2),
        isDefault: false,
        actions: [
          { type: 'forward', forward: { targetGroups: [{ arn: TG('blue'), weight: 1 }], stickinessEnabled: false } },
        ],
        tags: {},
      },
    ]);
    expect(elbv2.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.ResourceArns)).toEqual([[RULE(1)]]);
  });

  it('takes a load balancer without a scheme as internet-facing, and reads twenty a call', async () => {
    // Prepare
    const arns = Array.from({ length: 21 }, (_, i) => `${ELB}:loadbalancer/app/lb-${i}/1`);
    elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [{ LoadBalancerArn: LB }] });
    elbv2.on(DescribeListenersCommand).resolves({});

    // Act
    const observed = await observeLoadBalancers(client, arns);

    // Assess
    expect(observed[LB]).toEqual({ arn: LB, name: '', scheme: 'internet-facing', securityGroupIds: [], listeners: [] });
    const batches = elbv2
      .commandCalls(DescribeLoadBalancersCommand)
      .map((c) => c.args[0].input.LoadBalancerArns?.length);
    expect(batches).toEqual([20, 1]);
  });
});
