/** Reading a packaged CloudFormation template: its resources, IAM statements and EventBridge rules. */

export type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };
export type Statement = {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
};

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads and writes that identity policies may grant on "*": Describe/Get/List, and writing one's own logs. */
export function isReadOnlyOrLogging(action: string): boolean {
  const [service = '', name = ''] = action.split(':');
  if (/^(Describe|Get|List)/.test(name)) return true;
  if (service === 'logs' && (name === 'CreateLogStream' || name === 'PutLogEvents')) return true;
  return service === 'xray';
}

/** The statements of every IAM identity policy in the template with one of `effects` (inline role policies and policy resources). */
export function identityStatements(
  template: Template,
  effects: readonly string[] = ['Allow'],
): { where: string; statement: Statement }[] {
  const found: { where: string; statement: Statement }[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const documents: { name: string; document: unknown }[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(
        resource.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[],
      )) {
        documents.push({ name: policy.PolicyName, document: policy.PolicyDocument });
      }
    }
    if (['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(resource.Type)) {
      documents.push({ name: 'PolicyDocument', document: resource.Properties?.PolicyDocument });
    }
    for (const { name, document } of documents) {
      for (const statement of asArray((document as { Statement?: Statement | Statement[] }).Statement)) {
        if (effects.includes(String(statement.Effect))) found.push({ where: `${logicalId}/${name}`, statement });
      }
    }
  }
  return found;
}

/** `taskStateChange` → `TaskStateChange`: the prefix of the logical ids of the function's resources. */
export const pascal = (name: string) => `${name[0]?.toUpperCase()}${name.slice(1)}`;

type RuleTarget = {
  Arn?: { 'Fn::GetAtt'?: string[] };
  RetryPolicy?: unknown;
  DeadLetterConfig?: { Arn?: unknown };
};

/** The EventBridge rules of the template with the logical id of the (first) function each one invokes. */
export function eventRules(template: Template) {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Events::Rule')
    .map((resource) => {
      const properties = resource.Properties ?? {};
      const targets = asArray(properties.Targets as RuleTarget[]);
      return { properties, targets, invokes: targets[0]?.Arn?.['Fn::GetAtt']?.[0] };
    });
}

/** The allow statements of one role: its inline policies and the managed policies that attach themselves to it. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const attachedPolicies = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy')
    .filter(([, resource]) =>
      asArray(resource.Properties?.Roles as { Ref?: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .map(([logicalId]) => `${logicalId}/`);
  return identityStatements(template)
    .filter(({ where }) => [`${roleLogicalId}/`, ...attachedPolicies].some((prefix) => where.startsWith(prefix)))
    .map(({ statement }) => statement);
}
