import { targetGroupNameOf } from '../../aws/arn.js';
import { auditConsole } from '../console.js';
import type { AuditObservation, FindingDraft, ObservedService } from '../types.js';

/** A container that publishes a port: the service is meant to take traffic. */
const servesTraffic = (service: ObservedService) => service.containers.some((c) => c.portMappings.length > 0);

/**
 * Check 1: a service meant to serve traffic with no load balancer, or a load balancer entry naming a container or
 * port its task definition does not have (ECS then never registers the tasks).
 */
export function checkLoadBalancerConfig(observed: AuditObservation): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const service of observed.services) {
    const { clusterName, serviceName } = service;
    const consoleUrl = auditConsole.service(observed.region, clusterName, serviceName);
    if (service.loadBalancers.length === 0) {
      if (!servesTraffic(service) || service.servedWithoutLoadBalancer) continue;
      const ports = service.containers.flatMap((c) => c.portMappings.map((p) => `${c.name}:${p.containerPort}`));
      findings.push({
        check: 'load-balancer-config',
        kind: 'no-load-balancer',
        severity: 'warning',
        clusterName,
        serviceName,
        resource: service.serviceArn,
        problem: `the task definition publishes ${ports.join(', ')}, but the service has no target group and no service discovery or Service Connect`,
        impact: 'nothing routes traffic to its tasks: if it is meant to serve requests, they never arrive',
        fix: 'add a loadBalancers entry (target group, container name and port) to the service, or remove the port mappings if it serves nothing',
        consoleUrl,
        facts: { ports: ports.join(',') },
      });
      continue;
    }
    for (const link of service.loadBalancers) {
      const container = service.containers.find((c) => c.name === link.containerName);
      const where = link.targetGroupArn ? `target group ${targetGroupNameOf(link.targetGroupArn)}` : 'load balancer';
      const resource = link.targetGroupArn ?? service.serviceArn;
      if (container === undefined) {
        findings.push({
          check: 'load-balancer-config',
          kind: 'container-missing',
          severity: 'critical',
          clusterName,
          serviceName,
          resource,
          problem: `the service sends ${where} to container "${link.containerName}", which its task definition does not have (it has ${service.containers.map((c) => c.name).join(', ')})`,
          impact: 'ECS cannot register the tasks: the target group stays empty and the load balancer answers 503',
          fix: 'point the service at a container of its task definition (update the service or the task definition)',
          consoleUrl,
          facts: { containerName: link.containerName ?? '' },
        });
      } else if (!container.portMappings.some((p) => p.containerPort === link.containerPort)) {
        findings.push({
          check: 'load-balancer-config',
          kind: 'container-port-missing',
          severity: 'critical',
          clusterName,
          serviceName,
          resource,
          problem: `the service sends ${where} to ${link.containerName}:${link.containerPort}, but that container maps ${container.portMappings.map((p) => p.containerPort).join(', ') || 'no port'}`,
          impact:
            'ECS cannot register the tasks on that port: the target group stays empty and the load balancer answers 503',
          fix: `map port ${link.containerPort} in the container definition, or point the service at a port it maps`,
          consoleUrl,
          facts: { containerName: container.name, containerPort: link.containerPort ?? 0 },
        });
      }
    }
  }
  return findings;
}
