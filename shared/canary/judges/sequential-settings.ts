import { SequentialJudgeSchema } from '../../config/sequential-judge.js';
import * as v from '../../validation/input-schema.js';
import { SequentialJudge } from './sequential.js';

/**
 * The sequential judge with settings given in part (a hook's payload, a test), validated and completed with the
 * defaults. Apart from the judge itself: the canary promoter's config comes validated, and bundles no schema.
 */
export function sequentialJudgeWith(
  settings: Partial<v.InferInput<typeof SequentialJudgeSchema>> = {},
): SequentialJudge {
  return new SequentialJudge(v.parse(SequentialJudgeSchema, settings));
}
