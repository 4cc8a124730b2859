#!/usr/bin/env node
// Runs the TypeScript CLI in place; the Lambda functions are bundled separately by esbuild.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
