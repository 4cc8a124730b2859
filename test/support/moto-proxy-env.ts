import { afterAll, afterEach, inject } from 'vitest';
import { type MotoProxy, type MotoProxyOptions, startMotoProxy } from '#local/moto-proxy.js';

/**
 * Starts a {@link MotoProxy} in front of the run's moto server for the current test file: points
 * `process.env.AWS_ENDPOINT_URL` at the proxy until the file ends (then restores it and stops the proxy) and resets
 * the proxy's rules, target health and call log after each test (moto itself is reset before each test by
 * setup-env, straight on moto).
 *
 * Call it at the top level of the test file (`const proxy = await useMotoProxy();`), not inside a hook or a test:
 * it registers `afterEach`/`afterAll` hooks.
 *
 * Product SDK clients (`shared/aws/*.ts`) are created when their module loads and read `AWS_ENDPOINT_URL` then.
 * Static `import`s of a test file run before its body, so they would still talk to moto directly. Import product
 * modules dynamically after this call, e.g.
 * ```ts
 * const proxy = await useMotoProxy();
 * vi.resetModules(); // only needed if product modules were already loaded in this file's module graph
 * const { handler } = await import('#functions/task-state-change/handler.js');
 * ```
 * Harness helpers that take an endpoint (`provisionWorld(proxy.endpoint, …)`) and clients built with
 * `endpoint: proxy.endpoint` need none of this.
 */
export async function useMotoProxy(options?: MotoProxyOptions): Promise<MotoProxy> {
  const proxy = await startMotoProxy(inject('motoEndpoint'), options);
  const previous = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  afterEach(() => proxy.reset());
  afterAll(async () => {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    await proxy.stop();
  });
  return proxy;
}
