import { loadBalancerNameOf } from '../aws/arn.js';
import { consoleLinks } from '../notify/alert.js';

/** Console pages of the resources a finding is about, in the finding's region. */
export const auditConsole = {
  service: (region: string, clusterName: string, serviceName: string) =>
    consoleLinks.service(region, clusterName, serviceName).replace('/health?', '/configuration?'),
  targetGroup: consoleLinks.targetGroup,
  listener: (region: string, listenerArn: string) =>
    `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#ListenerDetails:listenerArn=${encodeURIComponent(listenerArn)}`,
  securityGroup: (region: string, groupId: string) =>
    `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#SecurityGroup:groupId=${encodeURIComponent(groupId)}`,
  certificate: (region: string, certificateArn: string) =>
    `https://${region}.console.aws.amazon.com/acm/home?region=${region}#/certificates/${encodeURIComponent(certificateArn.split('/').pop() ?? '')}`,
  scaling: (region: string, clusterName: string, serviceName: string) =>
    consoleLinks.service(region, clusterName, serviceName).replace('/health?', '/autoscaling?'),
};

/** The load balancer's name for a message, or its ARN when it is not one. */
export function loadBalancerLabel(arn: string): string {
  try {
    return loadBalancerNameOf(arn);
  } catch {
    return arn;
  }
}
