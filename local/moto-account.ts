/**
 * An endpoint that is another AWS account of the same moto server, for worlds spread over several accounts.
 *
 * moto picks the account of a request from its `x-moto-account-id` header, else from the access key (an assumed
 * role's key belongs to the role's account; any other key to the default account 123456789012). The harness signs
 * with plain test keys, so this pass-through adds the header: a world provisioned through it lives in that account,
 * and the functions, which reach it with the member role's assumed credentials, find it there.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AccountEndpoint {
  endpoint: string;
  account: string;
  stop(): Promise<void>;
}

/** Starts a loopback pass-through to `upstream` (moto, or our proxy in front of it) acting as `account`. */
export async function startAccountEndpoint(upstream: string, account: string): Promise<AccountEndpoint> {
  const target = new URL(upstream);
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: `${target.pathname.replace(/\/$/, '')}${incoming.url ?? '/'}`,
        headers: { ...incoming.headers, 'x-moto-account-id': account },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`moto could not be reached: ${error.message}`);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    account,
    stop: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
