import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { AwsCall, CallSelector, ProxyResponse, ProxyRule, UpstreamResponse } from './moto-proxy-types.js';

/** Request headers that describe one hop, not the request. */
export const HOP_BY_HOP = new Set([
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

/* The AWS wire formats the proxy reads and writes: which call a request is, error answers per protocol, XML, CBOR. */

/** Answers the next `times` matching calls with the service's throttling error. */
export const throttleRule = (operation: CallSelector, times: number): ProxyRule => ({
  name: `throttle ${String(operation)}`,
  match: selector(operation),
  times,
  respond: throttlingError,
});

/** Answers the next `times` matching calls with a server error of this status. */
export const serverErrorRule = (operation: CallSelector, times: number, status: number): ProxyRule => ({
  name: `${status} ${String(operation)}`,
  match: selector(operation),
  times,
  respond: (call) => serverError(call, status),
});

/** Holds matching calls `ms` before forwarding (the next `times` calls; all of them when absent). */
export const delayRule = (operation: CallSelector, ms: number, times?: number): ProxyRule => ({
  name: `delay ${String(operation)}`,
  match: selector(operation),
  delayMs: ms,
  ...(times !== undefined && { times }),
});

/** Runs the calls it is given one at a time, in the order given: a queue of one. */
export function oneAtATime(): <T>(send: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (send) => {
    const turn = queue.then(send, send);
    queue = turn.catch(() => undefined);
    return turn;
  };
}

/** A send to a FIFO queue: moto checks its de-duplication id and queues it in two steps, so two at once can both land. */
export const isFifoSend = (call: AwsCall): boolean =>
  call.service === 'sqs' &&
  call.operation.startsWith('SendMessage') &&
  String((call.params as { QueueUrl?: string } | undefined)?.QueueUrl ?? '').endsWith('.fifo');

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

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function readAll(stream: IncomingMessage): Promise<Buffer> {
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

export async function readUpstream(response: IncomingMessage): Promise<UpstreamResponse> {
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

export function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

export function writeWhole(res: ServerResponse, response: ProxyResponse): void {
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
