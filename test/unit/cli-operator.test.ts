import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { operatorOf } from '../../cli/canary-context.js';

describe('CLI: who runs a canary command', () => {
  it('is the operating-system user when STS cannot be asked at the configured endpoint', async () => {
    // Prepare: an endpoint that refuses at once
    const settings = {
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };

    // Act
    const by = await operatorOf(settings);

    // Assess
    expect(by).toBe(`cli:${userInfo().username}`);
    expect(by).not.toBe('cli:unknown');
  });
});
