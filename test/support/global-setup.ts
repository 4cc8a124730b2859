import type { TestProject } from 'vitest/node';
import { startMoto } from '#local/moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the moto server shared by the integration run. */
    motoEndpoint: string;
  }
}

/** Vitest globalSetup: starts one moto server for the run, provides its endpoint, and stops it on teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto({ onProgress: (line) => process.stderr.write(`[moto] ${line}\n`) });
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
