/**
 * The schema builder for what functions parse at run time (events, queued messages, hook payloads): zod's tree-shaken
 * `zod/mini`, about 13 KiB bundled where the classic API is about 190 KiB. The config is validated at packaging and
 * keeps the classic API. Import it as `import * as z from '…/validation/runtime-schema.js'`, never `zod/mini`
 * directly (biome enforces it): `zod/mini` sets no language, and without the English messages set here every issue
 * would read "Invalid input". A star re-export, not a re-exported namespace object, so that esbuild still tree-shakes.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
