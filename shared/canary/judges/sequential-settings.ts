import type { z } from 'zod';
import { SequentialJudgeSchema } from '../../config/canary-judge.js';
import { SequentialJudge } from './sequential.js';

/**
 * The sequential judge with settings given in part (a hook's payload, a test), validated and completed with the
 * defaults. Apart from the judge itself: the canary promoter's config comes validated, and bundles no schema.
 */
export function sequentialJudgeWith(settings: Partial<z.input<typeof SequentialJudgeSchema>> = {}): SequentialJudge {
  return new SequentialJudge(SequentialJudgeSchema.parse(settings));
}
