/** One minute of one side's ALB metrics for its target group (AWS/ApplicationELB, LoadBalancer + TargetGroup). */
export interface MinuteMetrics {
  /** The start of the minute, ISO 8601. */
  at: string;
  /** Sum of RequestCount; 0 when CloudWatch has no datapoint (no traffic is not evidence of health). */
  requests: number;
  /** Sum of HTTPCode_Target_5XX_Count. */
  errors: number;
  /** Average of TargetResponseTime in seconds; undefined when CloudWatch has no datapoint. */
  latencySeconds?: number;
}

/** What a judge decides from: both sides' minutes, aligned and oldest first. Pure data, no AWS. */
export interface JudgeInput {
  /** Canary minutes since the judged period began (the canary's start for a sequential judge). */
  canary: readonly MinuteMetrics[];
  /** Stable minutes over the same period. */
  stable: readonly MinuteMetrics[];
  /** When the current step began: a per-window judge looks at the minutes from here on only. */
  stepStartedAt: string;
  /** The time of judging, ISO 8601. */
  now: string;
}

/** Numbers a person can check behind a verdict (rates, counts, a Bayes factor…), by name. */
export type Evidence = Record<string, number>;

/** pass: promote when the other gates agree; fail: roll back; inconclusive: hold (never promote, never fail). */
export type JudgeVerdict =
  | { outcome: 'pass'; reason: string; evidence: Evidence }
  | { outcome: 'fail'; reason: string; evidence: Evidence }
  | { outcome: 'inconclusive'; reason: string; evidence: Evidence };

/** Compares canary against stable. Implementations are pure and deterministic. */
export interface CanaryJudge {
  readonly name: string;
  judge(input: JudgeInput): JudgeVerdict;
}
