import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received. */
export interface ReceivedPost {
  path: string;
  body: unknown;
  at: number;
}

/** An answer to give instead of 200 `ok`, e.g. `{ status: 429, headers: { 'retry-after': '1' } }`. */
export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A stand-in for a Slack incoming webhook on loopback: records what it receives, answers as scripted. */
export interface SlackWebhookServer {
  /** The webhook URL, with a secret path as Slack's have (`/services/T…/B…/<token>`). */
  url: string;
  /** The secret part of the URL: it must appear in no log line. */
  token: string;
  received: ReceivedPost[];
  /** Answers for the next requests, in order; after them every request gets 200 `ok`. */
  answerNext(...answers: ScriptedAnswer[]): void;
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the stand-in on a free port of 127.0.0.1; only the webhook's own path is answered 200. */
export async function startSlackWebhookServer(): Promise<SlackWebhookServer> {
  const token = randomBytes(12).toString('hex');
  const path = `/services/T0LOCAL00/B0LOCAL00/${token}`;
  const received: ReceivedPost[] = [];
  const script: ScriptedAnswer[] = [];
  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    if (request.method !== 'POST' || request.url !== path) {
      response.writeHead(404).end('no_service');
      return;
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text: a test asserts what was sent
    }
    received.push({ path: request.url, body, at: Date.now() });
    const answer = script.shift() ?? { status: 200, body: 'ok' };
    response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    token,
    received,
    answerNext: (...answers) => script.push(...answers),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
