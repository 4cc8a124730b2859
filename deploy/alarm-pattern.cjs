// The alarm rule's pattern, computed when packaging from deploy/event-patterns.yml and the shipped config, by the
// same code the tests check it with (local/function-manifest.ts: alarmRulePattern); deploy/functions.yml reads it
// through ${file(./deploy/alarm-pattern.cjs)}. Runs on the packaging machine only, never in a function.
const { tsImport } = require('tsx/esm/api');

module.exports = async () => {
  const manifest = await tsImport('../local/function-manifest.ts', __filename);
  return manifest.alarmRulePattern();
};
