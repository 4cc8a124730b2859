import { SequentialJudgeSchema } from '../../config/canary-judge.js';
import * as z from '../../validation/runtime-schema.js';

/** The key of `hookDetails` under which the hook carries its own state between invocations of one execution. */
export const CARRIED_KEY = 'ecsAutopilot';

/**
 * What a service's hook configuration may set in `hookDetails` (ECS passes it on every invocation), so one function
 * serves many services. Unknown keys are the user's own and are passed back untouched.
 */
export const HookSettingsSchema = z.looseObject({
  alarmNames: z._default(
    z
      .array(z.string().check(z.minLength(1)))
      .check(z.describe('Gate alarms besides the service’s deployment alarms: one already in ALARM fails the stage.')),
    [],
  ),
  maxHoldMinutes: z._default(
    z
      .int()
      .check(
        z.gte(1),
        z.lte(1440),
        z.describe('How long a production step may be held on inconclusive evidence before it fails.'),
      ),
    60,
  ),
  callBackDelaySeconds: z._default(
    z
      .int()
      .check(
        z.gte(30),
        z.lte(900),
        z.describe('When ECS asks again while the judge needs more data: one CloudWatch minute at least.'),
      ),
    60,
  ),
  judge: z.optional(
    SequentialJudgeSchema.check(z.describe('Settings of the sequential judge (README, "Canary judge").')),
  ),
});
export type HookSettings = z.output<typeof HookSettingsSchema>;

/**
 * What the hook remembers between invocations of one stage of one service deployment. ECS passes `hookDetails` back
 * between invocations of the same hook in a deployment, so a production shift's state may reach its later steps.
 */
export const CarriedStateSchema = z.object({
  deploymentArn: z.string(),
  stage: z.string(),
  executionId: z.string(),
  /** When the stage's first invocation came: the judged minutes start here. */
  startedAt: z.iso.datetime(),
  /** When green's current weight was first seen: holds and the requests a step needs count from here. */
  stepStartedAt: z.optional(z.iso.datetime()),
  greenTargetGroupArn: z.optional(z.string()),
  blueTargetGroupArn: z.optional(z.string()),
  greenWeight: z.optional(z.number()),
  judgements: z._default(z.int().check(z.nonnegative()), 0),
  lastVerdict: z.optional(z.string()),
  lastReason: z.optional(z.string()),
  lastEvidence: z.optional(z.record(z.string(), z.number())),
});
export type CarriedState = z.output<typeof CarriedStateSchema>;

/** The state carried from an earlier invocation of this stage of this deployment, or undefined (the first call). */
export function carriedStateOf(
  hookDetails: Record<string, unknown>,
  at: { deploymentArn: string; stage: string },
): CarriedState | undefined {
  const parsed = CarriedStateSchema.safeParse(hookDetails[CARRIED_KEY]);
  if (!parsed.success) return undefined;
  return parsed.data.deploymentArn === at.deploymentArn && parsed.data.stage === at.stage ? parsed.data : undefined;
}

/** The user's own `hookDetails`, without the state this hook carries. */
export function userDetailsOf(hookDetails: Record<string, unknown>): Record<string, unknown> {
  const { [CARRIED_KEY]: _carried, ...user } = hookDetails;
  return user;
}
