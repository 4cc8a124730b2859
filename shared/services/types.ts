/** One entry of a service's `loadBalancers`: which container port feeds which target group. */
export interface LoadBalancerBinding {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
}

/** A service as every reaction sees it, read from DescribeServices: its target groups, counts and tags. */
export interface ServiceState {
  serviceArn: string;
  clusterName: string;
  serviceName: string;
  desiredCount: number;
  runningCount: number;
  loadBalancers: LoadBalancerBinding[];
  tags: Record<string, string>;
  disabledByTag: boolean;
}

/** A service as far as which targets its tasks stand for: where it runs and what feeds its target groups. */
export type ServiceBindings = Pick<ServiceState, 'clusterName' | 'serviceName' | 'loadBalancers'>;
