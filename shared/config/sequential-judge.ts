import * as v from '../validation/input-schema.js';
import {
  holdBelowFail,
  holdBelowFailIssue,
  type JudgeSetting,
  type SequentialJudgeConfig,
  sequentialSettings,
} from './judge-settings.js';

/**
 * The sequential judge's settings as the deployment hook reads them from `hookDetails` at run time: the same bounds
 * and defaults as the config's (`judge-settings.ts`), worded as the config's issues are.
 */
type NumberSchema = v.GenericSchema<number>;
type ValibotSettings<S> = {
  [K in keyof S]: S[K] extends { default: number }
    ? v.OptionalSchema<NumberSchema, number>
    : v.OptionalSchema<NumberSchema, undefined>;
};

function settingSchema(setting: JudgeSetting): NumberSchema {
  let schema: NumberSchema = setting.integer ? v.int() : v.number();
  if (setting.above !== undefined) schema = v.pipe(schema, v.gtValue(setting.above));
  if (setting.atLeast !== undefined) schema = v.pipe(schema, v.minValue(setting.atLeast));
  if (setting.atMost !== undefined) schema = v.pipe(schema, v.maxValue(setting.atMost));
  return schema;
}

function valibotSettings<S extends Record<string, JudgeSetting>>(settings: S): ValibotSettings<S> {
  const entries = Object.entries(settings).map(([key, setting]) => [
    key,
    v.optional(settingSchema(setting), setting.default),
  ]);
  return Object.fromEntries(entries) as ValibotSettings<S>;
}

export const SequentialJudgeSchema = v.pipe(
  v.strictObject(valibotSettings(sequentialSettings)),
  v.forward(v.check<SequentialJudgeConfig, string>(holdBelowFail, holdBelowFailIssue.message), ['holdAbove']),
);
