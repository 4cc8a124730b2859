import { conditionKeysByAction, requestKeysOfEveryAction } from './iam-reference.js';
import { asArray, isReadOnlyOrLogging, type Statement } from './template.js';

/** One IAM statement that grants more than it reads as, and why. */
export interface IamFinding {
  where: string;
  problem: string;
}

/** `aws:ResourceTag/team` → `aws:ResourceTag/*`: a tag key as test/support/iam-reference.ts names it (the reference writes `${TagKey}`). */
function referenceKey(key: string): string {
  const slash = key.indexOf('/');
  return slash === -1 ? key : `${key.slice(0, slash)}/*`;
}

/** The condition keys a statement tests, across its operators (`StringEquals`, `ForAllValues:StringLike`…). */
function conditionKeys(statement: Statement): string[] {
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(condition).flatMap((tests) => Object.keys(tests));
}

/** Whether the action supports the key: a key present in every request, or one the reference lists for it. */
function supports(action: string, key: string): boolean | undefined {
  if (requestKeysOfEveryAction.has(key)) return true;
  const keys = conditionKeysByAction[action];
  if (keys === undefined) return undefined;
  return keys.some((k) => k.toLowerCase() === referenceKey(key).toLowerCase());
}

/**
 * Checks identity statements: no wildcard or NotAction; a write on "*" only under a condition; and every condition
 * key, of an Allow or a Deny, supported by every action it is meant to narrow (checked against the Service
 * Authorization Reference): a Deny on a key its action never carries denies nothing.
 */
export function checkIamStatements(statements: { where: string; statement: Statement }[]): IamFinding[] {
  const findings: IamFinding[] = [];
  for (const { where, statement } of statements) {
    const actions = asArray(statement.Action);
    if (statement.NotAction !== undefined) findings.push({ where, problem: 'NotAction grants every other action' });
    for (const action of actions.filter((a) => /[*?]/.test(a))) {
      findings.push({ where, problem: `wildcard action ${action}: name each action` });
    }
    const keys = conditionKeys(statement);
    const writes = actions.filter((a) => !isReadOnlyOrLogging(a));
    const onEverything = asArray(statement.Resource).includes('*');
    if (statement.Effect !== 'Deny' && onEverything && writes.length > 0 && keys.length === 0) {
      findings.push({ where, problem: `${writes.join(', ')} on every resource without a condition` });
    }
    for (const action of actions.filter((a) => !/[*?]/.test(a))) {
      for (const key of keys) {
        const supported = supports(action, key);
        if (supported === undefined) {
          findings.push({ where, problem: `${action}: its condition keys are not in test/support/iam-reference.ts` });
        } else if (!supported) {
          const effect = statement.Effect === 'Deny' ? 'so this Deny never applies' : 'which never narrows it';
          findings.push({ where, problem: `${action} does not support the condition key ${key}, ${effect}` });
        }
      }
    }
  }
  return findings;
}
