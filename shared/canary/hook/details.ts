import * as z from 'zod';
import { SequentialJudgeSchema } from '../../config/canary-judge.js';

/** The key of `hookDetails` under which the hook carries its own state between invocations of one execution. */
export const CARRIED_KEY = 'ecsAutopilot';

/**
 * What a service's hook configuration may set in `hookDetails` (ECS passes it on every invocation), so one function
 * serves many services. Unknown keys are the user's own and are passed back untouched.
 */
export const HookSettingsSchema = z.looseObject({
  alarmNames: z
    .array(z.string().min(1))
    .default([])
    .describe('Gate alarms besides the service’s deployment alarms: one already in ALARM fails the stage.'),
  maxHoldMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(60)
    .describe('How long a production step may be held on inconclusive evidence before it fails.'),
  callBackDelaySeconds: z
    .number()
    .int()
    .min(30)
    .max(900)
    .default(60)
    .describe('When ECS asks again while the judge needs more data: one CloudWatch minute at least.'),
  judge: SequentialJudgeSchema.optional().describe('Settings of the sequential judge (README, "Canary judge").'),
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
  stepStartedAt: z.iso.datetime().optional(),
  greenTargetGroupArn: z.string().optional(),
  blueTargetGroupArn: z.string().optional(),
  greenWeight: z.number().optional(),
  judgements: z.number().int().nonnegative().default(0),
  lastVerdict: z.string().optional(),
  lastReason: z.string().optional(),
  lastEvidence: z.record(z.string(), z.number()).optional(),
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
