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
 * DynamoDB calls, and sends to FIFO queues, are forwarded one at a time, so that conditional writes and de-duplication
 * racing through the proxy are atomic as in AWS (moto checks and then writes, and concurrent requests interleave).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardTo, upstreamOf } from './moto-proxy-forward.js';
import { TargetHealthModel } from './moto-proxy-health.js';
import type {
  AwsCall,
  LoggedCall,
  MotoProxy,
  MotoProxyOptions,
  ProxyResponse,
  ProxyRule,
  RuleError,
  UpstreamResponse,
} from './moto-proxy-types.js';
import {
  awsErrorResponse,
  delayRule,
  identify,
  isFifoSend,
  oneAtATime,
  readAll,
  readUpstream,
  responseHeaders,
  serverErrorRule,
  throttleRule,
  writeWhole,
} from './moto-proxy-wire.js';

export type * from './moto-proxy-types.js';
export {
  awsErrorResponse,
  identify,
  selector,
  serverError,
  throttlingError,
  xmlEscape,
  xmlText,
} from './moto-proxy-wire.js';

const HOST = '127.0.0.1';

/** Starts the proxy on a free loopback port, forwarding to `upstream` (moto's base URL). */
export async function startMotoProxy(upstream: string, options: MotoProxyOptions = {}): Promise<MotoProxy> {
  const upstreamTarget = upstreamOf(upstream);
  const maxLogged = options.maxLoggedCalls ?? 10_000;

  let rules: Array<{ rule: ProxyRule; left: number }> = [];
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
    const told = matched.filter((rule) => rule.answered !== undefined);
    if (told.length > 0) {
      res.once('close', () => {
        const status = res.writableFinished ? res.statusCode : undefined;
        for (const rule of told) {
          try {
            rule.answered?.(call, status);
          } catch (error) {
            report(error, call, rule);
          }
        }
      });
    }
    const delayMs = matched.reduce((sum, rule) => sum + (rule.delayMs ?? 0), 0);
    if (delayMs > 0) await sleep(delayMs);
    if (stopped || res.destroyed) return;
    if (answer !== undefined) {
      writeWhole(res, answer);
      return;
    }
    const rewrites = matched.filter((rule) => rule.rewrite !== undefined);
    const inTurn = call.service === 'dynamodb' ? dynamodbInTurn : isFifoSend(call) ? fifoSendsInTurn : undefined;
    const upstreamRes = inTurn ? await inTurn(() => forward(req, call.body)) : await forward(req, call.body);
    const answerDelayMs = matched.reduce((sum, rule) => sum + (rule.answerDelayMs ?? 0), 0);
    if (rewrites.length === 0) {
      if (answerDelayMs > 0) {
        await sleep(answerDelayMs);
        if (stopped || res.destroyed) {
          upstreamRes.resume();
          return;
        }
      }
      res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders(upstreamRes.headers));
      upstreamRes.once('error', () => res.destroy());
      upstreamRes.pipe(res);
      return;
    }
    // Rewrites see moto's answer as it comes, even one its caller will have given up on by the time it is sent.
    let response: ProxyResponse | UpstreamResponse = await readUpstream(upstreamRes);
    for (const rule of rewrites) {
      try {
        const current: UpstreamResponse = { ...response, body: Buffer.from(response.body) };
        response = rule.rewrite?.(call, current) ?? current;
      } catch (error) {
        report(error, call, rule);
      }
    }
    if (answerDelayMs > 0) await sleep(answerDelayMs);
    if (stopped || res.destroyed) return;
    writeWhole(res, response);
  };

  // moto checks a DynamoDB condition and then writes, with other requests' threads in between; AWS does both
  // atomically per item. Sending DynamoDB calls to moto one at a time restores that (moto answers once it wrote).
  const dynamodbInTurn = oneAtATime();
  const fifoSendsInTurn = oneAtATime();

  const forward = (req: IncomingMessage, body: Buffer) => forwardTo(upstreamTarget, req, body);

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
      upstreamTarget.agent.destroy();
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
    throttle: (operation, times) => void addRule(throttleRule(operation, times)),
    failWith5xx: (operation, times, status = 500) => void addRule(serverErrorRule(operation, times, status)),
    delay: (operation, ms, times) => void addRule(delayRule(operation, ms, times)),
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
