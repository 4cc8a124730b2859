/** One entry of a service's `loadBalancers`: which container port feeds which target group. */
export interface LoadBalancerBinding {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
}

/** What the product needs to know about a service, read from DescribeServices. */
export interface ServiceTopology {
  serviceArn: string;
  serviceName: string;
  clusterName: string;
  loadBalancers: LoadBalancerBinding[];
  disabledByTag: boolean;
}

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
