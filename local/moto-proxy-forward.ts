/** How the proxy reaches moto: requests forwarded as they came, over one keep-alive agent. */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HOP_BY_HOP } from './moto-proxy-wire.js';

/** Where the proxy forwards to: moto's base URL and one keep-alive agent for it. */
export interface Upstream {
  url: URL;
  basePath: string;
  agent: HttpAgent;
  send: typeof httpRequest;
}

export function upstreamOf(upstream: string): Upstream {
  const url = new URL(upstream);
  const secure = url.protocol === 'https:';
  return {
    url,
    basePath: url.pathname.replace(/\/$/, ''),
    agent: secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }),
    send: secure ? (httpsRequest as typeof httpRequest) : httpRequest,
  };
}

/** Forwards a request as it came (end-to-end headers, SigV4 included, and body); resolves with moto's answer. */
export function forwardTo(upstream: Upstream, req: IncomingMessage, body: Buffer): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((done, fail) => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    if (body.length > 0 || req.headers['content-length'] !== undefined) headers['content-length'] = body.length;
    const { url, basePath, agent, send } = upstream;
    const outgoing = send(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
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
}
