import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat.postMessage the stand-in took, as Slack reads it. */
export interface ChatPost {
  channel: string;
  text: string;
  blocks: unknown[];
  /** Set for a reply: the root's ts. */
  threadTs?: string;
  replyBroadcast: boolean;
  /** The ts the stand-in gave the message. */
  ts: string;
}

/** An answer to give instead of `ok: true`, e.g. a 429 with Retry-After, or `ok: false` with `ratelimited`. */
export interface ScriptedApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A stand-in for Slack's Web API method chat.postMessage on loopback, checking the bot token as Slack does. */
export interface SlackApiServer {
  /** The API's base URL (what `slackApiUrl` / `SLACK_API_URL` takes). */
  url: string;
  /** The bot token it accepts: it must appear in no log line. */
  token: string;
  posts: ChatPost[];
  /** Requests answered with a scripted refusal (a 429, an `ok: false`). */
  refused: number;
  answerNext(...answers: ScriptedApiAnswer[]): void;
  /** Holds every answer back this long, so that concurrent senders overlap. */
  delayMs: number;
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (request.headers['content-type']?.startsWith('application/json')) return JSON.parse(text);
  // Form-encoded, as @slack/web-api sends it: objects (blocks) are JSON inside their field.
  const fields: Record<string, unknown> = Object.fromEntries(new URLSearchParams(text));
  if (typeof fields.blocks === 'string') fields.blocks = JSON.parse(fields.blocks);
  return fields;
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startSlackApiServer(): Promise<SlackApiServer> {
  const token = `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`;
  const script: ScriptedApiAnswer[] = [];
  let sequence = 0;
  const state = { posts: [] as ChatPost[], refused: 0, delayMs: 0 };
  const answer = (response: import('node:http').ServerResponse, status: number, body: object, headers = {}) =>
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    await new Promise((done) => setTimeout(done, state.delayMs));
    if (request.method !== 'POST' || request.url !== '/api/chat.postMessage') {
      return answer(response, 200, { ok: false, error: 'unknown_method' });
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      return answer(response, 200, { ok: false, error: 'invalid_auth' });
    }
    const scripted = script.shift();
    if (scripted) {
      state.refused++;
      return answer(response, scripted.status, scripted.body, scripted.headers);
    }
    const ts = `1764158400.${String(++sequence).padStart(6, '0')}`;
    state.posts.push({
      channel: String(body.channel),
      text: String(body.text ?? ''),
      blocks: (body.blocks as unknown[]) ?? [],
      ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
      replyBroadcast: String(body.reply_broadcast) === 'true',
      ts,
    });
    return answer(response, 200, { ok: true, channel: body.channel, ts });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    token,
    get posts() {
      return state.posts;
    },
    get refused() {
      return state.refused;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    answerNext: (...answers) => script.push(...answers),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
