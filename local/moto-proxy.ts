/**
 * An HTTP proxy of ours in front of moto, for the states and faults moto cannot produce.
 *
 * Why: moto reports every registered ELBv2 target `healthy`, drops deregistered targets at once, never throttles,
 * never fails and never lags. The proxy forwards every request as is (method, path, end-to-end headers incl. SigV4
 * `Authorization` and `Host`, body) and streams moto's answer back, unless a rule says otherwise.
 *
 * How rules compose: each request is identified as an {@link AwsCall} (Query `Action=` form body, JSON
 * `X-Amz-Target`, rpc-v2-cbor `/service/<S>/operation/<Op>` path; anything else is `METHOD /path`). The built-in model
 * layer (target health) comes first, then the rules in the order they were added. Every rule whose `match` is true
 * (and that has `times` left) takes part and uses up one of its `times`; their `delayMs` add up; the first `respond`
 * that returns an answer ends the scan and is sent without forwarding (later rules are not consulted); otherwise
 * the request is forwarded and each matched `rewrite` edits the answer in turn. So `throttle(op, 2)` then
 * `failWith5xx(op, 1)` answers two throttles then one 500. A rule that throws is reported to `onRuleError` (or kept
 * in `errors()`) and ignored; the proxy keeps serving.
 *
 * Adding a rewrite (e.g. CloudWatch GetMetricData percentiles): `proxy.addRule({ match: (call) => call.operation ===
 * 'GetMetricData', rewrite: (call, answer) => ({ ...answer, body: edited }) })`; a reusable one becomes a control
 * method below built the same way (see {@link MotoProxy.setTargetHealth} and `TargetHealthModel`). Answers are
 * buffered only when a rewrite matched; rpc-v2-cbor bodies are passed as bytes (params `undefined`).
 *
 * DynamoDB calls are forwarded one at a time, so that conditional writes racing through the proxy are atomic as in
 * AWS (moto checks a condition and writes in two steps, and concurrent requests interleave between them).
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

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

const HOST = '127.0.0.1';
const DEFAULT_REASON: Record<TargetHealthState, TargetHealthReason | undefined> = {
  healthy: undefined,
  unhealthy: 'Target.FailedHealthChecks',
  initial: 'Elb.RegistrationInProgress',
  draining: 'Target.DeregistrationInProgress',
  unused: 'Target.NotInUse',
  unavailable: 'Target.HealthCheckDisabled',
};
const REASON_DESCRIPTION: Record<TargetHealthReason, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Elb.InternalError': 'Health checks failed due to an internal error',
  'Target.ResponseCodeMismatch': 'Health checks failed with these codes: [502]',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.InvalidState': 'Target is in the stopped state',
  'Target.IpUnusable': 'The IP address cannot be used as a target, as it is in use by a load balancer',
  'Target.HealthCheckDisabled': 'Health checks are disabled',
};
/** Request headers that describe one hop, not the request. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Starts the proxy on a free loopback port, forwarding to `upstream` (moto's base URL). */
export async function startMotoProxy(upstream: string, options: MotoProxyOptions = {}): Promise<MotoProxy> {
  const target = new URL(upstream);
  const secure = target.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const basePath = target.pathname.replace(/\/$/, '');
  const maxLogged = options.maxLoggedCalls ?? 10_000;

  interface ActiveRule {
    rule: ProxyRule;
    left: number;
  }
  let rules: ActiveRule[] = [];
  let log: LoggedCall[] = [];
  let ruleErrors: RuleError[] = [];
  const health = new TargetHealthModel();
  const healthRule: ProxyRule = {
    name: 'target health',
    match: (call) => health.applies(call),
    rewrite: health.rewrite,
  };
  let stopped = false;
  const waits = new Set<() => void>();

  const report = (error: unknown, call: AwsCall, rule: ProxyRule | undefined) => {
    if (options.onRuleError !== undefined) {
      try {
        options.onRuleError(error, call, rule);
      } catch {
        // A failing reporter must not take the proxy down either.
      }
      return;
    }
    if (ruleErrors.length < 1_000)
      ruleErrors.push({ ...(rule?.name !== undefined && { rule: rule.name }), operation: call.operation, error });
  };

  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const finish = () => {
        clearTimeout(timer);
        waits.delete(finish);
        done();
      };
      const timer = setTimeout(finish, ms);
      waits.add(finish);
    });

  /** Picks the rules taking part in `call` (using up their `times`) and the made-up answer, if any. */
  const plan = (call: AwsCall) => {
    const matched: ProxyRule[] = [];
    let answer: ProxyResponse | undefined;
    for (const active of [{ rule: healthRule, left: Number.POSITIVE_INFINITY }, ...rules]) {
      if (active.left <= 0) continue;
      let hit = false;
      try {
        hit = active.rule.match(call);
      } catch (error) {
        report(error, call, active.rule);
      }
      if (!hit) continue;
      active.left -= 1;
      matched.push(active.rule);
      if (active.rule.respond === undefined) continue;
      try {
        answer = active.rule.respond(call);
      } catch (error) {
        report(error, call, active.rule);
      }
      if (answer !== undefined) break;
    }
    rules = rules.filter((active) => active.left > 0);
    return { matched, answer };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let body: Buffer;
    try {
      body = await readAll(req);
    } catch {
      res.destroy();
      return;
    }
    const call = identify(req, body);
    try {
      await serve(req, res, call);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `moto proxy: ${error instanceof Error ? error.message : String(error)}`;
      writeWhole(res, awsErrorResponse(call, { status: 502, code: 'BadGateway', message, fault: 'Receiver' }));
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, call: AwsCall) => {
    log.push({
      ...(call.service !== undefined && { service: call.service }),
      operation: call.operation,
      at: Date.now(),
    });
    if (log.length > maxLogged) log = log.slice(-maxLogged);

    const { matched, answer } = plan(call);
    const delayMs = matched.reduce((sum, rule) => sum + (rule.delayMs ?? 0), 0);
    if (delayMs > 0) await sleep(delayMs);
    if (stopped || res.destroyed) return;
    if (answer !== undefined) {
      writeWhole(res, answer);
      return;
    }
    const rewrites = matched.filter((rule) => rule.rewrite !== undefined);
    const upstreamRes =
      call.service === 'dynamodb' ? await dynamodbInTurn(() => forward(req, call.body)) : await forward(req, call.body);
    if (rewrites.length === 0) {
      res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders(upstreamRes.headers));
      upstreamRes.once('error', () => res.destroy());
      upstreamRes.pipe(res);
      return;
    }
    let response: ProxyResponse | UpstreamResponse = await readUpstream(upstreamRes);
    for (const rule of rewrites) {
      try {
        const current: UpstreamResponse = { ...response, body: Buffer.from(response.body) };
        response = rule.rewrite?.(call, current) ?? current;
      } catch (error) {
        report(error, call, rule);
      }
    }
    writeWhole(res, response);
  };

  // moto checks a DynamoDB condition and then writes, with other requests' threads in between; AWS does both
  // atomically per item. Sending DynamoDB calls to moto one at a time restores that (moto answers once it wrote).
  let dynamodbQueue: Promise<unknown> = Promise.resolve();
  const dynamodbInTurn = <T>(send: () => Promise<T>): Promise<T> => {
    const turn = dynamodbQueue.then(send, send);
    dynamodbQueue = turn.catch(() => undefined);
    return turn;
  };

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<IncomingMessage>((done, fail) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = body.length;
      const outgoing = send(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: `${basePath}${req.url ?? '/'}`,
          headers,
          agent,
        },
        done,
      );
      outgoing.once('error', fail);
      outgoing.end(body);
    });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, HOST, () => {
      server.off('error', fail);
      done();
    });
  });
  const { port } = server.address() as AddressInfo;

  const addRule = (rule: ProxyRule) => {
    const active = { rule, left: rule.times ?? Number.POSITIVE_INFINITY };
    rules.push(active);
    return () => {
      rules = rules.filter((candidate) => candidate !== active);
    };
  };

  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    upstream,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const finish of [...waits]) finish();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      agent.destroy();
    },
    addRule,
    setTargetHealth(targetGroupArn, target, state, reason, description) {
      health.set(targetGroupArn, target, state, reason, description);
    },
    keepDraining(targetGroupArn, target) {
      health.keepDraining(targetGroupArn, target);
    },
    finishDraining(targetGroupArn, target) {
      health.finishDraining(targetGroupArn, target);
    },
    clearTargetHealth() {
      health.clear();
    },
    throttle(operation, times) {
      addRule({ name: `throttle ${String(operation)}`, match: selector(operation), times, respond: throttlingError });
    },
    failWith5xx(operation, times, status = 500) {
      addRule({
        name: `${status} ${String(operation)}`,
        match: selector(operation),
        times,
        respond: (call) => serverError(call, status),
      });
    },
    delay(operation, ms, times) {
      addRule({
        name: `delay ${String(operation)}`,
        match: selector(operation),
        delayMs: ms,
        ...(times !== undefined && { times }),
      });
    },
    calls: () => [...log],
    errors: () => [...ruleErrors],
    reset() {
      rules = [];
      log = [];
      ruleErrors = [];
      health.clear();
    },
  };
}

/** Turns a {@link CallSelector} into a `match` function. */
export function selector(operation: CallSelector): (call: AwsCall) => boolean {
  if (typeof operation === 'function') return operation;
  const colon = operation.indexOf(':');
  if (colon < 0) return (call) => call.operation === operation;
  const service = operation.slice(0, colon);
  const name = operation.slice(colon + 1);
  return (call) => call.service === service && call.operation === name;
}

/** Identifies the AWS service, operation and parameters of a request. */
export function identify(req: IncomingMessage, body: Buffer): AwsCall {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const headers = req.headers;
  const scope = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header(headers, 'authorization') ?? '');
  const base = { method, url, headers, body, ...(scope?.[1] !== undefined && { service: scope[1] }) };
  const contentType = header(headers, 'content-type') ?? '';

  const amzTarget = header(headers, 'x-amz-target');
  if (amzTarget?.includes('.')) {
    const dot = amzTarget.lastIndexOf('.');
    return {
      ...base,
      service: base.service ?? amzTarget.slice(0, dot),
      operation: amzTarget.slice(dot + 1),
      protocol: 'json',
      params: parseJson(body),
    };
  }

  const path = url.split('?', 1)[0] ?? '/';
  const cbor = /^\/service\/([^/]+)\/operation\/([^/?]+)$/.exec(path);
  if (cbor?.[2] !== undefined && (header(headers, 'smithy-protocol') !== undefined || contentType.includes('cbor'))) {
    return { ...base, service: base.service ?? cbor[1], operation: cbor[2], protocol: 'rpcv2-cbor', params: undefined };
  }

  const params: Record<string, string> = {};
  const query = url.indexOf('?');
  if (query >= 0) for (const [key, value] of new URLSearchParams(url.slice(query + 1))) params[key] = value;
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value;
  }
  const action = params.Action;
  if (action !== undefined) return { ...base, operation: action, protocol: 'query', params };
  return { ...base, operation: `${method} ${path}`, protocol: 'other', params: undefined };
}

/** An AWS error answer in the shape of `call`'s protocol. */
export function awsErrorResponse(
  call: AwsCall,
  error: { status: number; code: string; message: string; fault?: 'Sender' | 'Receiver' },
): ProxyResponse {
  const requestId = randomUUID();
  const fault = error.fault ?? (error.status >= 500 ? 'Receiver' : 'Sender');
  switch (call.protocol) {
    case 'query': {
      const body =
        call.service === 'ec2'
          ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
          : `<ErrorResponse><Error><Type>${fault}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body,
      };
    }
    case 'rpcv2-cbor':
      return {
        status: error.status,
        headers: {
          'content-type': 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-requestid': requestId,
        },
        body: cborTextMap({ __type: error.code, message: error.message }),
      };
    default:
      return {
        status: error.status,
        headers: {
          'content-type': header(call.headers, 'content-type')?.startsWith('application/x-amz-json')
            ? (header(call.headers, 'content-type') ?? 'application/json')
            : 'application/json',
          'x-amzn-errortype': error.code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
  }
}

/** The throttling error of `call`'s service (retried by the SDK as a throttle). */
export function throttlingError(call: AwsCall): ProxyResponse {
  switch (call.protocol) {
    case 'query':
      return call.service === 'ec2'
        ? awsErrorResponse(call, { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' })
        : awsErrorResponse(call, { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    case 'json':
    case 'rpcv2-cbor':
      return awsErrorResponse(call, { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' });
    default:
      return awsErrorResponse(call, { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' });
  }
}

/** A server-side error (`InternalFailure` for 500, `ServiceUnavailable` for 503, …). */
export function serverError(call: AwsCall, status = 500): ProxyResponse {
  const code = status === 503 ? 'ServiceUnavailable' : status === 500 ? 'InternalFailure' : 'InternalError';
  return awsErrorResponse(call, { status, code, message: `Injected ${status} by the moto proxy`, fault: 'Receiver' });
}

/** Escapes text for an XML element or attribute. */
export function xmlEscape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** The unescaped text of the first `<tag>text</tag>` in `xml`. */
export function xmlText(xml: string, tag: string): string | undefined {
  const found = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (found?.[1] === undefined) return undefined;
  return found[1].replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    const lower = entity.toLowerCase();
    if (named[lower] !== undefined) return named[lower];
    return String.fromCodePoint(lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1)));
  });
}

interface HealthOverride {
  state: TargetHealthState;
  reason?: string;
  description?: string;
}

/** What DescribeTargetHealth should say beyond moto: overrides of registered targets and draining leftovers. */
class TargetHealthModel {
  private readonly overrides = new Map<string, HealthOverride>();
  /** Target group ARN → targets to report draining once moto no longer has them. */
  private readonly draining = new Map<string, Map<string, TargetRef>>();

  set(
    targetGroupArn: string,
    target: TargetRef,
    state: TargetHealthState,
    reason?: TargetHealthReason,
    description?: string,
  ) {
    const why = reason ?? DEFAULT_REASON[state];
    const text = description ?? (why === undefined ? undefined : REASON_DESCRIPTION[why]);
    this.overrides.set(key(targetGroupArn, target.id, target.port), {
      state,
      ...(why !== undefined && { reason: why }),
      ...(text !== undefined && { description: text }),
    });
  }

  keepDraining(targetGroupArn: string, target: TargetRef) {
    let group = this.draining.get(targetGroupArn);
    if (group === undefined) {
      group = new Map();
      this.draining.set(targetGroupArn, group);
    }
    group.set(`${target.id}:${target.port}`, { id: target.id, port: target.port });
  }

  finishDraining(targetGroupArn: string, target: TargetRef) {
    this.draining.get(targetGroupArn)?.delete(`${target.id}:${target.port}`);
  }

  clear() {
    this.overrides.clear();
    this.draining.clear();
  }

  applies(call: AwsCall): boolean {
    if (call.protocol !== 'query' || call.operation !== 'DescribeTargetHealth') return false;
    const arn = (call.params as Record<string, string>).TargetGroupArn;
    if (arn === undefined) return false;
    if ((this.draining.get(arn)?.size ?? 0) > 0) return true;
    const prefix = `${arn}|`;
    for (const name of this.overrides.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  readonly rewrite = (call: AwsCall, response: UpstreamResponse): UpstreamResponse | undefined => {
    if (response.status !== 200) return undefined;
    const params = call.params as Record<string, string>;
    const arn = params.TargetGroupArn ?? '';
    const xml = response.body.toString('utf8');
    const list =
      /<TargetHealthDescriptions>([\s\S]*?)<\/TargetHealthDescriptions>|<TargetHealthDescriptions\s*\/>/.exec(xml);
    if (list === undefined || list === null) return undefined;
    const draining = this.draining.get(arn) ?? new Map<string, TargetRef>();
    const seen = new Set<string>();

    const members = (list[1] ?? '').replace(/<member>([\s\S]*?)<\/member>/g, (member: string, inner: string) => {
      const id = xmlText(inner, 'Id') ?? '';
      const port = xmlText(inner, 'Port');
      const registered = xmlText(inner, 'Reason') !== 'Target.NotRegistered';
      seen.add(`${id}:${port ?? ''}`);
      const override = registered ? this.overrides.get(key(arn, id, Number(port))) : undefined;
      const drained = registered
        ? undefined
        : [...draining.values()].find((ref) => ref.id === id && (port === undefined || Number(port) === ref.port));
      const health = override ?? (drained && drainingHealth());
      if (health === undefined) return member;
      return `<member>${inner.replace(/<TargetHealth>[\s\S]*?<\/TargetHealth>|<TargetHealth\s*\/>/, targetHealthXml(health))}</member>`;
    });

    // Without explicit Targets the answer lists every registered target: add the ones still draining.
    const explicit = Object.keys(params).some((name) => name.startsWith('Targets.member.'));
    const extra = explicit
      ? ''
      : [...draining.values()]
          .filter((ref) => !seen.has(`${ref.id}:${ref.port}`))
          .map(
            (ref) =>
              `<member><Target><Id>${xmlEscape(ref.id)}</Id><Port>${ref.port}</Port></Target><HealthCheckPort>traffic-port</HealthCheckPort>${targetHealthXml(drainingHealth())}</member>`,
          )
          .join('');
    const rebuilt = `<TargetHealthDescriptions>${members}${extra}</TargetHealthDescriptions>`;
    const body = xml.slice(0, list.index) + rebuilt + xml.slice(list.index + list[0].length);
    return { ...response, body: Buffer.from(body, 'utf8') };
  };
}

function drainingHealth(): HealthOverride {
  return {
    state: 'draining',
    reason: 'Target.DeregistrationInProgress',
    description: REASON_DESCRIPTION['Target.DeregistrationInProgress'],
  };
}

function targetHealthXml(health: HealthOverride): string {
  return `<TargetHealth><State>${health.state}</State>${health.reason === undefined ? '' : `<Reason>${xmlEscape(health.reason)}</Reason>`}${health.description === undefined ? '' : `<Description>${xmlEscape(health.description)}</Description>`}</TargetHealth>`;
}

function key(targetGroupArn: string, id: string, port: number): string {
  return `${targetGroupArn}|${id}|${port}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let ended = false;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => {
      ended = true;
      done(Buffer.concat(chunks));
    });
    stream.once('error', fail);
    stream.once('close', () => {
      if (!ended) fail(new Error('connection closed before the body was read'));
    });
  });
}

async function readUpstream(response: IncomingMessage): Promise<UpstreamResponse> {
  let body = await readAll(response);
  const headers = responseHeaders(response.headers);
  const encoding = header(response.headers, 'content-encoding')?.toLowerCase();
  if (encoding === 'gzip' || encoding === 'deflate' || encoding === 'br') {
    body =
      encoding === 'gzip' ? gunzipSync(body) : encoding === 'deflate' ? inflateSync(body) : brotliDecompressSync(body);
    delete headers['content-encoding'];
  }
  return { status: response.statusCode ?? 502, headers, body };
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

function writeWhole(res: ServerResponse, response: ProxyResponse): void {
  if (res.destroyed) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'content-length' && !HOP_BY_HOP.has(lower)) headers[lower] = value;
  }
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/** CBOR (RFC 8949) encoding of a map of text to text: enough for rpc-v2-cbor error bodies. */
function cborTextMap(entries: Record<string, string>): Buffer {
  const parts: Buffer[] = [cborHead(5, Object.keys(entries).length)];
  for (const [name, value] of Object.entries(entries)) {
    for (const text of [name, value]) {
      const bytes = Buffer.from(text, 'utf8');
      parts.push(cborHead(3, bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}
