import { z } from 'zod';

const weights = z.record(z.string(), z.number().min(0).max(100)).default({});

/** What ECS sends a Lambda lifecycle hook (ECS developer guide, "Lambda hooks for Amazon ECS service deployments"). */
export const LifecycleHookEventSchema = z.object({
  executionId: z.string().min(1),
  lifecycleStage: z.string().min(1),
  /** The service deployment's ARN. */
  resourceArn: z.string().min(1),
  executionDetails: z.object({
    serviceArn: z.string().min(1),
    /** The green revision: still the target while a rollback shifts traffic away from it. */
    targetServiceRevisionArn: z.string().min(1),
    testTrafficWeights: weights,
    /** Percent of production traffic per service revision ARN. */
    productionTrafficWeights: weights,
  }),
  /** The hook's configured details merged with what the last IN_PROGRESS answer returned. */
  hookDetails: z.record(z.string(), z.unknown()).optional(),
});

export type LifecycleHookEvent = z.output<typeof LifecycleHookEventSchema>;

/** The answer ECS expects: anything else, or an error, rolls the deployment back. */
export interface LifecycleHookResponse {
  hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  /** Seconds until ECS invokes the hook again after IN_PROGRESS (ECS's default is 30). */
  callBackDelay?: number;
  hookDetails?: Record<string, unknown>;
}
