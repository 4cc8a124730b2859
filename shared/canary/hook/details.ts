import { SequentialJudgeSchema } from '../../config/sequential-judge.js';
import * as v from '../../validation/input-schema.js';

/** The key of `hookDetails` under which the hook carries its own state between invocations of one execution. */
export const CARRIED_KEY = 'ecsAutopilot';

/**
 * What a service's hook configuration may set in `hookDetails` (ECS passes it on every invocation), so one function
 * serves many services. Unknown keys are the user's own and are passed back untouched.
 */
export const HookSettingsSchema = v.looseObject({
  /** Gate alarms besides the service’s deployment alarms: one already in ALARM fails the stage. */
  alarmNames: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
  /** How long a production step may be held on inconclusive evidence before it fails. */
  maxHoldMinutes: v.optional(v.pipe(v.int(), v.minValue(1), v.maxValue(1440)), 60),
  /** When ECS asks again while the judge needs more data: one CloudWatch minute at least. */
  callBackDelaySeconds: v.optional(v.pipe(v.int(), v.minValue(30), v.maxValue(900)), 60),
  /** Settings of the sequential judge (README, "Canary judge"). */
  judge: v.optional(SequentialJudgeSchema),
});
export type HookSettings = v.InferOutput<typeof HookSettingsSchema>;

/**
 * What the hook remembers between invocations of one stage of one service deployment. ECS passes `hookDetails` back
 * between invocations of the same hook in a deployment, so a production shift's state may reach its later steps.
 */
export const CarriedStateSchema = v.object({
  deploymentArn: v.string(),
  stage: v.string(),
  executionId: v.string(),
  /** When the stage's first invocation came: the judged minutes start here. */
  startedAt: v.pipe(v.string(), v.isoTimestamp()),
  /** When green's current weight was first seen: holds and the requests a step needs count from here. */
  stepStartedAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  greenTargetGroupArn: v.optional(v.string()),
  blueTargetGroupArn: v.optional(v.string()),
  greenWeight: v.optional(v.number()),
  judgements: v.optional(v.pipe(v.int(), v.minValue(0)), 0),
  lastVerdict: v.optional(v.string()),
  lastReason: v.optional(v.string()),
  lastEvidence: v.optional(v.record(v.string(), v.number())),
});
export type CarriedState = v.InferOutput<typeof CarriedStateSchema>;

/** The state carried from an earlier invocation of this stage of this deployment, or undefined (the first call). */
export function carriedStateOf(
  hookDetails: Record<string, unknown>,
  at: { deploymentArn: string; stage: string },
): CarriedState | undefined {
  const parsed = v.safeParse(CarriedStateSchema, hookDetails[CARRIED_KEY]);
  if (!parsed.success) return undefined;
  return parsed.output.deploymentArn === at.deploymentArn && parsed.output.stage === at.stage
    ? parsed.output
    : undefined;
}

/** The user's own `hookDetails`, without the state this hook carries. */
export function userDetailsOf(hookDetails: Record<string, unknown>): Record<string, unknown> {
  const { [CARRIED_KEY]: _carried, ...user } = hookDetails;
  return user;
}
