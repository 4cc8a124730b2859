#!/usr/bin/env node
// Runs the TypeScript CLI in place; the Lambda functions are bundled separately by esbuild.
const major = Number(process.versions.node.split('.')[0]);
// package.json's engines.node: the Node the functions run on (nodejs24.x) and the tests are run with.
if (major < 24) {
  process.stderr.write(
    `ecs-autopilot needs Node 24 or later, this is ${process.version}: run it as \`npx ecs-autopilot\`, which uses the Node 24 that \`npm run setup\` put in node_modules/.bin\n`,
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
