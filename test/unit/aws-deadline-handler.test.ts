import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineBoundHttpHandler, DeadlineExceededError, setAwsCallDeadline } from '#shared/aws/deadline.js';

type Request = Parameters<DeadlineBoundHttpHandler['handle']>[0];

let server: Server;
let port: number;

/** A request to the loopback server: `/hang` is never answered, anything else is answered at once. */
function request(path: string, headers: Record<string, string> = {}): Request {
  return { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path, headers, query: {} } as Request;
}

async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    const { response } = (await call) as { response: { statusCode: number } };
    return response.statusCode;
  } catch (error) {
    return error;
  }
}

describe('Class: DeadlineBoundHttpHandler', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/hang') res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    setAwsCallDeadline(undefined);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('makes the call as asked when no invocation set a deadline', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 1_000 });

    // Act
    const status = await outcome(handler.handle(request('/')));

    // Assess
    expect(status).toBe(200);
    handler.destroy();
  });

  it('makes the call when the deadline is still ahead', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 1_000 });
    setAwsCallDeadline(Date.now() + 5_000);

    // Act
    const status = await outcome(handler.handle(request('/')));

    // Assess
    expect(status).toBe(200);
    handler.destroy();
  });

  it('cuts off a call still running at the deadline, naming the operation and keeping why', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 60_000 });
    setAwsCallDeadline(Date.now() + 200);

    // Act
    const error = await outcome(
      handler.handle(request('/hang', { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListTasks' })),
    );

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe(
      "AmazonEC2ContainerServiceV20141113.ListTasks call cut off by the invocation's deadline",
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    handler.destroy();
  });

  it('ends a hung attempt at its request timeout, before a distant deadline, as the SDK retries it', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 100 });
    setAwsCallDeadline(Date.now() + 3_000);

    // Act
    const error = await outcome(handler.handle(request('/hang')));

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DeadlineExceededError);
    handler.destroy();
  });

  it('ends a call when the caller aborts it, before the deadline', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 60_000 });
    setAwsCallDeadline(Date.now() + 60_000);

    // Act
    const error = await outcome(handler.handle(request('/hang'), { abortSignal: AbortSignal.timeout(100) }));

    // Assess
    expect(error).toMatchObject({ name: 'AbortError' });
    handler.destroy();
  });

  it('counts a call that fails at the very instant of the deadline as cut off by it', async () => {
    // Prepare
    const deadline = Date.now() + 60_000;
    const instants = [deadline - 100, deadline];
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 60_000 }, () => instants.shift() ?? deadline);
    setAwsCallDeadline(deadline);

    // Act
    const error = await outcome(handler.handle(request('/hang')));

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    handler.destroy();
  });

  it('starts no call at the deadline itself, naming the host when the request names no operation', async () => {
    // Prepare
    const handler = new DeadlineBoundHttpHandler({ requestTimeout: 1_000 }, () => 1_000);
    setAwsCallDeadline(1_000);

    // Act
    const error = await outcome(handler.handle(request('/')));

    // Assess
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe("127.0.0.1 call not started: the invocation's deadline has passed");
    handler.destroy();
  });
});
