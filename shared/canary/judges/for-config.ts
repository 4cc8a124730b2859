import type { CanaryJudgeConfig } from '../../config/canary-judge.js';
import type { CanaryJudge } from '../judge.js';
import { ThresholdJudge } from '../threshold-judge.js';
import { SequentialJudge } from './sequential.js';

/** The judge a canary's config names, with its settings. */
export function judgeFor(config: CanaryJudgeConfig): CanaryJudge {
  if (config.kind === 'threshold') {
    const { kind: _threshold, ...limits } = config;
    return new ThresholdJudge(limits);
  }
  const { kind: _sequential, ...settings } = config;
  return new SequentialJudge(settings);
}
