import type { Plugin } from 'esbuild';

/** The functions' config module as the config file parsed and validated at build. */
export function packagedConfig(options?: { configFile?: string }): Plugin;
/** zod's `locales` namespace as English only. */
export function englishZodMessages(): Plugin;
declare const plugins: Plugin[];
export default plugins;
