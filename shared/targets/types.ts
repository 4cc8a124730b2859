/** An ELB target: an IP address (awsvpc) or an EC2 instance id (bridge/host), and a port. */
export interface Target {
  id: string;
  port: number;
}

/** A target as DescribeTargetHealth reports it; `not-registered` when ELB does not know it. */
export interface ObservedTarget extends Target {
  state: string;
  reason?: string;
}

/** Every target of one target group with its health, as observed once. */
export interface TargetGroupHealth {
  targetGroupArn: string;
  targets: ObservedTarget[];
}
