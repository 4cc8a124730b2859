/** How Application Auto Scaling names the desired count of ECS services: every call about one says this. */
export const ECS_DESIRED_COUNT = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

/** The Application Auto Scaling resource id of a service: `service/<cluster>/<service>`. */
export function scalableTargetResourceId(clusterName: string, serviceName: string): string {
  return `service/${clusterName}/${serviceName}`;
}

/** The Application Auto Scaling scalable target of a service's desired count: its bounds. */
export interface ScalableTarget {
  resourceId: string;
  min: number;
  max: number;
}
