import type { TaskDetail } from '../events/task-state-change.js';
import type { LoadBalancerBinding } from '../services/types.js';
import type { Target } from './types.js';

/** A task's targets in one target group, or why none could be derived. */
export interface TaskTargets {
  targetGroupArn: string;
  targets: Target[];
  /** Set when the event does not carry what the target is made of (no IP yet, no host port). */
  missing?: string;
}

const eniTypes = new Set(['eni', 'elasticnetworkinterface']);

/** The task's primary private IPv4 address when it runs in awsvpc mode. */
export function taskPrivateIp(task: TaskDetail): string | undefined {
  for (const attachment of task.attachments) {
    if (!eniTypes.has(attachment.type.toLowerCase())) continue;
    const ip = attachment.details.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  for (const container of task.containers) {
    const ip = container.networkInterfaces?.find((n) => n.privateIpv4Address)?.privateIpv4Address;
    if (ip) return ip;
  }
  return undefined;
}

/** True when the task has an ENI of its own, so its targets are IP targets. */
export function isAwsvpc(task: TaskDetail): boolean {
  return task.attachments.some((a) => eniTypes.has(a.type.toLowerCase())) || taskPrivateIp(task) !== undefined;
}

/**
 * The ELB targets a task stands for in each target group of its service.
 * awsvpc: ENI private IP + container port. bridge/host: the EC2 instance id + the host port bound to the container port.
 */
export function taskTargets(
  task: TaskDetail,
  loadBalancers: readonly LoadBalancerBinding[],
  ec2InstanceId: string | undefined,
): TaskTargets[] {
  const ip = taskPrivateIp(task);
  const awsvpc = isAwsvpc(task);
  return loadBalancers.map(({ targetGroupArn, containerName, containerPort }) => {
    if (awsvpc) {
      return ip
        ? { targetGroupArn, targets: [{ id: ip, port: containerPort }] }
        : { targetGroupArn, targets: [], missing: 'the task has no private IPv4 address yet' };
    }
    if (!ec2InstanceId) {
      return { targetGroupArn, targets: [], missing: 'the task has no container instance (EC2 instance id unknown)' };
    }
    const container = task.containers.find((c) => c.name === containerName);
    // Stryker disable next-line ArrayDeclaration: a binding made up here has no container port, so the filter drops it
    const ports = (container?.networkBindings ?? [])
      .filter((b) => b.containerPort === containerPort && b.hostPort !== undefined)
      .map((b) => b.hostPort as number);
    const unique = [...new Set(ports)];
    if (unique.length === 0) {
      return {
        targetGroupArn,
        targets: [],
        missing: `container ${containerName} has no host port bound to ${containerPort}`,
      };
    }
    return { targetGroupArn, targets: unique.map((port) => ({ id: ec2InstanceId, port })) };
  });
}
