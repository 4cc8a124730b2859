import type { AuditObservation, ObservedService } from '#shared/audit/types.js';

const ACCOUNT = '111122223333';
const ELB = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}`;
export const TG_BLUE = `${ELB}:targetgroup/web-blue/0123456789abcdef`;
export const TG_GREEN = `${ELB}:targetgroup/web-green/fedcba9876543210`;
export const LB = `${ELB}:loadbalancer/app/prod-alb/50dc6c495c0c9188`;
export const HTTP_LISTENER = `${ELB}:listener/app/prod-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
export const HTTPS_LISTENER = `${ELB}:listener/app/prod-alb/50dc6c495c0c9188/0467ef3c8400ae65`;
export const CANARY_RULE = `${ELB}:listener-rule/app/prod-alb/50dc6c495c0c9188/0467ef3c8400ae65/9683b2d02a6cabee`;
export const DEFAULT_RULE = `${ELB}:listener-rule/app/prod-alb/50dc6c495c0c9188/0467ef3c8400ae65/1111111111111111`;
export const CERTIFICATE = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/12345678-1234-1234-1234-123456789012`;
export const SERVICE = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/prod/web`;

/** The `web` service of a correct setup: every check passes on it. */
function webService(): ObservedService {
  return {
    clusterName: 'prod',
    serviceName: 'web',
    serviceArn: SERVICE,
    desiredCount: 3,
    networkMode: 'awsvpc',
    containers: [
      { name: 'app', portMappings: [{ containerPort: 8080 }], stopTimeout: 30, healthCheckStartPeriod: 10 },
      { name: 'log-router', portMappings: [] },
    ],
    loadBalancers: [
      { targetGroupArn: TG_BLUE, containerName: 'app', containerPort: 8080 },
      { targetGroupArn: TG_GREEN, containerName: 'app', containerPort: 8080 },
    ],
    servedWithoutLoadBalancer: false,
    healthCheckGracePeriodSeconds: 60,
    deploymentController: 'ECS',
    deploymentStrategy: 'ROLLING',
    taskSecurityGroupIds: ['sg-tasks'],
    scalableTarget: { minCapacity: 2, maxCapacity: 10 },
    scalingPolicyNames: [],
    scaledByAutopilot: true,
  };
}

const targetGroup = (arn: string, name: string) => ({
  arn,
  name,
  port: 8080,
  healthCheckPath: '/health',
  healthCheckIntervalSeconds: 10,
  healthyThreshold: 3,
  unhealthyThreshold: 2,
  deregistrationDelaySeconds: 30,
  stickinessEnabled: false,
  loadBalancerArns: [LB],
});

/** A correct ECS service behind an ALB: HTTPS with a redirect, a weighted canary rule, tight security groups. */
export function cleanObservation(): AuditObservation {
  return {
    region: 'us-east-1',
    now: '2026-11-26T12:00:00.000Z',
    services: [webService()],
    targetGroups: { [TG_BLUE]: targetGroup(TG_BLUE, 'web-blue'), [TG_GREEN]: targetGroup(TG_GREEN, 'web-green') },
    loadBalancers: {
      [LB]: {
        arn: LB,
        name: 'prod-alb',
        scheme: 'internet-facing',
        securityGroupIds: ['sg-alb'],
        listeners: [
          {
            arn: HTTP_LISTENER,
            protocol: 'HTTP',
            port: 80,
            certificateArns: [],
            defaultActions: [{ type: 'redirect', redirectProtocol: 'HTTPS' }],
            rules: [],
          },
          {
            arn: HTTPS_LISTENER,
            protocol: 'HTTPS',
            port: 443,
            sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
            certificateArns: [CERTIFICATE],
            defaultActions: [
              { type: 'forward', forward: { targetGroups: [{ arn: TG_BLUE, weight: 1 }], stickinessEnabled: false } },
            ],
            rules: [
              {
                arn: CANARY_RULE,
                isDefault: false,
                actions: [
                  {
                    type: 'forward',
                    forward: {
                      targetGroups: [
                        { arn: TG_BLUE, weight: 90 },
                        { arn: TG_GREEN, weight: 10 },
                      ],
                      stickinessEnabled: false,
                    },
                  },
                ],
                tags: {},
              },
              {
                arn: DEFAULT_RULE,
                isDefault: true,
                actions: [
                  {
                    type: 'forward',
                    forward: { targetGroups: [{ arn: TG_BLUE, weight: 1 }], stickinessEnabled: false },
                  },
                ],
                tags: {},
              },
            ],
          },
        ],
      },
    },
    securityGroups: {
      'sg-tasks': {
        id: 'sg-tasks',
        name: 'web-tasks',
        inbound: [{ protocol: 'tcp', fromPort: 8080, toPort: 8080, groupIds: ['sg-alb'], cidrs: [] }],
      },
      'sg-alb': {
        id: 'sg-alb',
        name: 'prod-alb',
        inbound: [{ protocol: 'tcp', fromPort: 443, toPort: 443, groupIds: [], cidrs: ['0.0.0.0/0'] }],
      },
    },
    sslPolicies: {
      'ELBSecurityPolicy-TLS13-1-2-2021-06': ['TLSv1.2', 'TLSv1.3'],
      'ELBSecurityPolicy-2016-08': ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
    },
    certificates: {
      [CERTIFICATE]: { arn: CERTIFICATE, domainName: 'web.example.com', notAfter: '2027-06-01T00:00:00.000Z' },
    },
    canaryRuleArns: [],
    canaryTargetGroupArns: [],
  };
}

/** The clean observation's `web` service, to edit in a test. */
export function web(observed: AuditObservation): ObservedService {
  const service = observed.services[0];
  if (service === undefined) throw new Error('the observation has no web service');
  return service;
}
