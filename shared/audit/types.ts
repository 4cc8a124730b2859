/** What the audit observes and what it finds: plain data, so every check is a pure function tested without AWS. */

export type FindingSeverity = 'critical' | 'warning' | 'info';

/** Highest first: the order findings are listed in and `--fail-on` compares against. */
export const SEVERITIES: readonly FindingSeverity[] = ['critical', 'warning', 'info'];

/** The checks, one file each under `shared/audit/checks/`. */
export type CheckId =
  | 'load-balancer-config'
  | 'health-checks'
  | 'security-groups'
  | 'deregistration-delay'
  | 'listeners'
  | 'canary-target-groups'
  | 'scaling';

/** One misconfiguration: what is wrong, why it matters and how to fix it, on one resource. */
export interface Finding {
  /** Stable across runs: the check, the kind, the resource and the facts that make the finding. */
  id: string;
  check: CheckId;
  /** What exactly is wrong, e.g. `container-port-missing`. */
  kind: string;
  severity: FindingSeverity;
  clusterName: string;
  /** The service the finding is about; absent for a load balancer's own listeners and certificates. */
  serviceName?: string;
  /** The ARN (or security group id) of the misconfigured resource. */
  resource: string;
  problem: string;
  impact: string;
  fix: string;
  consoleUrl: string;
  /** The observed values the finding rests on; they are part of its id. */
  facts: Record<string, string | number | boolean>;
}

/** What a check returns before the id is derived. */
export type FindingDraft = Omit<Finding, 'id'>;

export interface ObservedContainer {
  name: string;
  portMappings: Array<{ containerPort: number; hostPort?: number }>;
  /** Seconds between SIGTERM and SIGKILL; absent means the ECS default (30 s). */
  stopTimeout?: number;
  /** The container health check's start period, when it has a health check. */
  healthCheckStartPeriod?: number;
}

export interface ObservedLoadBalancerLink {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
  /** The listener rules ECS shifts weights on (BLUE_GREEN, LINEAR, CANARY). */
  productionListenerRule?: string;
  testListenerRule?: string;
}

export interface ObservedService {
  clusterName: string;
  serviceName: string;
  serviceArn: string;
  desiredCount: number;
  networkMode: 'awsvpc' | 'bridge' | 'host' | 'none';
  containers: ObservedContainer[];
  loadBalancers: ObservedLoadBalancerLink[];
  /** Service discovery or Service Connect: traffic that reaches the tasks without a load balancer. */
  servedWithoutLoadBalancer: boolean;
  healthCheckGracePeriodSeconds?: number;
  /** ECS (with its strategy), CODE_DEPLOY or EXTERNAL. */
  deploymentController: string;
  deploymentStrategy?: string;
  /** awsvpc: the service's security groups; bridge/host: its container instances'. */
  taskSecurityGroupIds: string[];
  scalableTarget?: { minCapacity: number; maxCapacity: number };
  scalingPolicyNames: string[];
  /** Our own scale-out/scale-in on alarms is configured for the service (`scaling` in the config). */
  scaledByAutopilot: boolean;
}

export interface ObservedTargetGroup {
  arn: string;
  name: string;
  port?: number;
  healthCheckPath?: string;
  healthCheckIntervalSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  deregistrationDelaySeconds: number;
  stickinessEnabled: boolean;
  loadBalancerArns: string[];
}

/** A forward, redirect or other action of a listener or rule, as far as the checks read it. */
export interface ObservedAction {
  type: string;
  redirectProtocol?: string;
  forward?: {
    targetGroups: Array<{ arn: string; weight: number }>;
    stickinessEnabled: boolean;
  };
}

export interface ObservedRule {
  arn: string;
  isDefault: boolean;
  actions: ObservedAction[];
  tags: Record<string, string>;
}

export interface ObservedListener {
  arn: string;
  protocol: string;
  port: number;
  sslPolicy?: string;
  certificateArns: string[];
  defaultActions: ObservedAction[];
  rules: ObservedRule[];
}

export interface ObservedLoadBalancer {
  arn: string;
  name: string;
  scheme: 'internet-facing' | 'internal';
  securityGroupIds: string[];
  listeners: ObservedListener[];
}

export interface ObservedSecurityGroup {
  id: string;
  name: string;
  inbound: Array<{ protocol: string; fromPort?: number; toPort?: number; groupIds: string[]; cidrs: string[] }>;
}

export interface ObservedCertificate {
  arn: string;
  domainName?: string;
  /** ISO time the certificate expires. */
  notAfter?: string;
}

/** Everything the checks look at, read once per run. */
export interface AuditObservation {
  region: string;
  /** The reference time (certificate expiry). */
  now: string;
  services: ObservedService[];
  targetGroups: Record<string, ObservedTargetGroup>;
  loadBalancers: Record<string, ObservedLoadBalancer>;
  securityGroups: Record<string, ObservedSecurityGroup>;
  /** TLS protocols each SSL policy allows, by policy name. */
  sslPolicies: Record<string, string[]>;
  certificates: Record<string, ObservedCertificate>;
  /** Listener rules and listeners our canary shifts weights on (the config's `canaries:`; empty without it). */
  canaryRuleArns: string[];
  /** The target groups of the config's canaries, both sides. */
  canaryTargetGroupArns: string[];
}

/** The shape of every check. */
export type Check = (observed: AuditObservation) => FindingDraft[];
