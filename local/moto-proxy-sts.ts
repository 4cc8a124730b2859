import { type AwsCall, awsErrorResponse, type MotoProxy } from './moto-proxy.js';

/** The role ARN an STS AssumeRole request asks for. */
export function assumedRoleArnOf(call: AwsCall): string | undefined {
  if (call.service !== 'sts' || call.operation !== 'AssumeRole') return undefined;
  return (call.params as Record<string, string> | undefined)?.RoleArn;
}

/**
 * moto lets anyone assume any role ARN, even one that does not exist (its source says so). AWS refuses with
 * AccessDenied when the role is missing or does not trust the caller: this rule answers so for `roleArn`, as for a
 * member account whose stack was never deployed.
 */
export function refuseAssumeRole(proxy: MotoProxy, roleArn: string): () => void {
  return proxy.addRule({
    name: `refuse AssumeRole of ${roleArn}`,
    match: (call) => assumedRoleArnOf(call) === roleArn,
    respond: (call) =>
      awsErrorResponse(call, {
        status: 403,
        code: 'AccessDenied',
        message: `not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      }),
  });
}

/** Every AssumeRole request from now on (role, session name, external id), as AWS CloudTrail would list them. */
export function recordAssumeRoles(proxy: MotoProxy): Array<Record<string, string>> {
  const seen: Array<Record<string, string>> = [];
  proxy.addRule({
    name: 'record AssumeRole requests',
    match: (call) => {
      if (assumedRoleArnOf(call)) seen.push({ ...(call.params as Record<string, string>) });
      return false;
    },
  });
  return seen;
}
