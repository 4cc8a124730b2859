/** Vitest setupFile: points every AWS SDK client of the test process at the shared moto server, reset before each test. */
import { beforeEach, inject } from 'vitest';
import { resetMoto } from '#local/moto-server.js';

const endpoint = inject('motoEndpoint');

process.env.AWS_ENDPOINT_URL = endpoint;
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_RETRY_MODE = 'standard';
process.env.AWS_MAX_ATTEMPTS = '2';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// The functions' EMF metric lines would fill the test output; the metrics tests make their own.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

beforeEach(() => resetMoto(endpoint));
