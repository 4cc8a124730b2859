/**
 * zod's tree-shaken `zod/mini`, for the run-time schemas that code elsewhere reads with zod's methods (the chat
 * notification, the canary judges' settings, the Slack alarm message), and for the SNS event and the deployment hook's
 * payload, whose functions carry those already: one library per function. New schemas use `input-schema.ts` (valibot,
 * about a quarter of the size). The config is validated at packaging and keeps the classic
 * API. Import it as `import * as z from '…/validation/runtime-schema.js'`, never `zod/mini`
 * directly (biome enforces it): `zod/mini` sets no language, and without the English messages set here every issue
 * would read "Invalid input". A star re-export, not a re-exported namespace object, so that esbuild still tree-shakes.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
