/**
 * The parts of the canary config that the canary functions use at run time, apart from its schema (classic zod,
 * checked at packaging, which a function need not carry).
 */

/** The days a promotion window names, Monday first. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The ARN of the canary's forward action: its rule or its listener (the schema requires exactly one). */
export function actionArnOf(canary: { ruleArn?: string | undefined; listenerArn?: string | undefined }): string {
  return (canary.ruleArn ?? canary.listenerArn) as string;
}
