import type { IncomingHttpHeaders } from 'node:http';

/**
 * The shapes the proxy in front of moto works with: calls, answers, rules, target health and the proxy's controls.
 *
 * Adding a rewrite (e.g. CloudWatch GetMetricData percentiles): `proxy.addRule({ match: (call) => call.operation ===
 * 'GetMetricData', rewrite: (call, answer) => ({ ...answer, body: edited }) })`; a reusable one becomes a control
 * method of moto-proxy.ts built the same way (see {@link MotoProxy.setTargetHealth} and `TargetHealthModel`). Answers are
 * buffered only when a rewrite matched; rpc-v2-cbor bodies are passed as bytes (params `undefined`).
 */

/** Wire protocol of a call, as the proxy recognised it. */
export type AwsProtocol = 'query' | 'json' | 'rpcv2-cbor' | 'other';

/** One request as rules see it. */
export interface AwsCall {
  /** SigV4 signing name from the credential scope (`elasticloadbalancing`, `ecs`, `monitoring`, `sqs`, …). */
  service?: string;
  /** `DescribeTargetHealth`, `DescribeServices`, …; `METHOD /path` when no AWS protocol was recognised. */
  operation: string;
  protocol: AwsProtocol;
  /** Query: the flat form/query parameters (`Targets.member.1.Id`, …); JSON: the parsed body; CBOR/other: `undefined`. */
  params: Record<string, string> | unknown;
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An answer a rule makes up or edits; `content-length` is recomputed by the proxy. */
export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

/** A forwarded answer, fully read (rewrites only). */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** Decoded (no content-encoding). */
  body: Buffer;
}

/** A rule of the proxy; see the file header for how rules compose. */
export interface ProxyRule {
  /** Shown in `errors()` and `onRuleError` reports. */
  name?: string;
  match: (call: AwsCall) => boolean;
  /** Number of matching calls the rule takes part in; unlimited when absent. */
  times?: number;
  /** Answers instead of moto (the request is not forwarded); `undefined` lets the call through. */
  respond?: (call: AwsCall) => ProxyResponse | undefined;
  /** Edits moto's answer; `undefined` keeps it. */
  rewrite?: (call: AwsCall, response: UpstreamResponse) => ProxyResponse | UpstreamResponse | undefined;
  /** Waits this long before answering or forwarding. */
  delayMs?: number;
  /** Waits this long after moto answered, before the answer is sent: a write that landed, then a timeout. */
  answerDelayMs?: number;
  /**
   * Told, once the call's connection closed, the status its caller was sent, or `undefined` when the caller had gone
   * before an answer was whole (it gave up waiting): whether the answer reached the caller.
   */
  answered?: (call: AwsCall, status: number | undefined) => void;
}

/** Selects calls: `'DescribeTargetHealth'`, `'ecs:DescribeServices'` (signing name, colon, operation) or a predicate. */
export type CallSelector = string | ((call: AwsCall) => boolean);

/** ELBv2 target health states. */
export type TargetHealthState = 'healthy' | 'unhealthy' | 'initial' | 'draining' | 'unused' | 'unavailable';

/** A target of a target group. */
export interface TargetRef {
  id: string;
  port: number;
}

/** An entry of {@link MotoProxy.calls}. */
export interface LoggedCall {
  service?: string;
  operation: string;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

/** A rule failure, when no `onRuleError` was given. */
export interface RuleError {
  rule?: string;
  operation: string;
  error: unknown;
}

/** Options of {@link startMotoProxy}. */
export interface MotoProxyOptions {
  /** Called when a rule throws (the rule is then ignored for that call); by default kept in `errors()`. */
  onRuleError?: (error: unknown, call: AwsCall, rule: ProxyRule | undefined) => void;
  /** Longest `calls()` log kept (oldest dropped first); default 10 000. */
  maxLoggedCalls?: number;
}

/** A running proxy in front of moto. */
export interface MotoProxy {
  /** Base URL, e.g. `http://127.0.0.1:40124`: use it as the SDK `endpoint` / `AWS_ENDPOINT_URL`. */
  endpoint: string;
  port: number;
  upstream: string;
  /** Closes the server and every socket (client and upstream). */
  stop(): Promise<void>;
  /** Appends a rule; returns a function that removes it. */
  addRule(rule: ProxyRule): () => void;
  /**
   * Makes DescribeTargetHealth of `targetGroupArn` report `target` in `state` while moto still has it registered
   * (a deregistered target vanishes as in moto, unless {@link keepDraining}). Default reasons: unhealthy
   * `Target.FailedHealthChecks`, initial `Elb.RegistrationInProgress`, draining `Target.DeregistrationInProgress`,
   * unused `Target.NotInUse`, unavailable `Target.HealthCheckDisabled`; the description follows the reason.
   */
  setTargetHealth(
    targetGroupArn: string,
    target: TargetRef,
    state: TargetHealthState,
    reason?: TargetHealthReason,
    description?: string,
  ): void;
  /** Once moto no longer has `target` registered, reports it `draining` (Target.DeregistrationInProgress). */
  keepDraining(targetGroupArn: string, target: TargetRef): void;
  /** Ends {@link keepDraining} for one target: it vanishes, as when the deregistration delay is over. */
  finishDraining(targetGroupArn: string, target: TargetRef): void;
  /** Forgets every {@link setTargetHealth} and {@link keepDraining}. */
  clearTargetHealth(): void;
  /** Answers the next `times` matching calls with the service's throttling error. */
  throttle(operation: CallSelector, times: number): void;
  /** Answers the next `times` matching calls with a server error (500 InternalFailure, 503 ServiceUnavailable, …). */
  failWith5xx(operation: CallSelector, times: number, status?: number): void;
  /** Holds matching calls `ms` before forwarding (the next `times` calls; all of them when absent). */
  delay(operation: CallSelector, ms: number, times?: number): void;
  /** The calls seen, oldest first. */
  calls(): LoggedCall[];
  /** Rule failures seen (when no `onRuleError` was given). */
  errors(): RuleError[];
  /** Clears rules, target health, the call log and errors: plain moto again. */
  reset(): void;
}

/** Reason codes of ELBv2 target health. */
export type TargetHealthReason =
  | 'Elb.RegistrationInProgress'
  | 'Elb.InitialHealthChecking'
  | 'Elb.InternalError'
  | 'Target.ResponseCodeMismatch'
  | 'Target.Timeout'
  | 'Target.FailedHealthChecks'
  | 'Target.NotRegistered'
  | 'Target.NotInUse'
  | 'Target.DeregistrationInProgress'
  | 'Target.InvalidState'
  | 'Target.IpUnusable'
  | 'Target.HealthCheckDisabled';
