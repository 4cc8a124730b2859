import * as z from 'zod';
import {
  holdBelowFail,
  holdBelowFailIssue,
  type JudgeSetting,
  sequentialSettings,
  thresholdSettings,
} from './judge-settings.js';

export type { CanaryJudgeConfig, SequentialJudgeConfig, ThresholdJudgeConfig } from './judge-settings.js';

// The config's judge schemas (packaging); the deployment hook validates its payload with `sequential-judge.ts`.
type ZodSettings<S> = {
  [K in keyof S]: S[K] extends { default: number } ? z.ZodDefault<z.ZodNumber> : z.ZodOptional<z.ZodNumber>;
};

function settingSchema(setting: JudgeSetting): z.ZodNumber {
  let schema = setting.integer ? z.int() : z.number();
  if (setting.above !== undefined) schema = schema.gt(setting.above);
  if (setting.atLeast !== undefined) schema = schema.gte(setting.atLeast);
  if (setting.atMost !== undefined) schema = schema.lte(setting.atMost);
  return schema.describe(setting.description);
}

function zodSettings<S extends Record<string, JudgeSetting>>(settings: S): ZodSettings<S> {
  const entries = Object.entries(settings).map(([key, setting]) => {
    const schema = settingSchema(setting);
    return [key, setting.default === undefined ? schema.optional() : schema.default(setting.default)];
  });
  return Object.fromEntries(entries) as ZodSettings<S>;
}

const thresholdFields = zodSettings(thresholdSettings);
const sequentialFields = zodSettings(sequentialSettings);

export const ThresholdJudgeSchema = z.strictObject(thresholdFields);

export const SequentialJudgeSchema = z.strictObject(sequentialFields).refine(holdBelowFail, holdBelowFailIssue);

/**
 * The judge a canary uses: `kind: sequential` (the default, also when only its settings are given) or
 * `kind: threshold`; settings of the threshold judge without a kind are read as a threshold judge.
 */
export const CanaryJudgeSchema = z.union([
  z
    .strictObject({ kind: z.literal('sequential').default('sequential'), ...sequentialFields })
    .refine(holdBelowFail, holdBelowFailIssue),
  z.strictObject({ kind: z.literal('threshold').default('threshold'), ...thresholdFields }),
]);
