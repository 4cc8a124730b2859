import { describe, expect, it } from 'vitest';
import { judgeFor } from '#shared/canary/judges/for-config.js';
import { CanaryJudgeSchema } from '#shared/config/canary-judge.js';

describe('Canary judge: from the config', () => {
  it('uses the sequential judge when the config names none or gives only its settings', () => {
    // Act & Assess
    expect(judgeFor(CanaryJudgeSchema.parse({})).name).toBe('sequential');
    expect(CanaryJudgeSchema.parse({ alpha: 0.05 })).toMatchObject({ kind: 'sequential', alpha: 0.05, holdAbove: 10 });
  });

  it('reads threshold limits, with or without a kind, as the threshold judge', () => {
    // Act & Assess
    expect(judgeFor(CanaryJudgeSchema.parse({ minRequests: 50 })).name).toBe('threshold');
    expect(CanaryJudgeSchema.parse({ kind: 'threshold' })).toMatchObject({ kind: 'threshold', minRequests: 100 });
  });

  it('refuses settings of both judges at once and a hold level at or above the failing level', () => {
    // Act & Assess
    expect(CanaryJudgeSchema.safeParse({ alpha: 0.01, minRequests: 50 }).success).toBe(false);
    expect(CanaryJudgeSchema.safeParse({ alpha: 0.05, holdAbove: 20 }).success).toBe(false);
  });
});
