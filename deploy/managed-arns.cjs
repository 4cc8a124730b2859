// The ECS ARNs of the clusters ecs-autopilot.yml manages, computed when packaging by local/managed-arns.ts; the roles
// read them through ${file(./deploy/managed-arns.cjs):clusters|services|tasks}. Runs on the packaging machine only.
const { tsImport } = require('tsx/esm/api');

module.exports = async () => {
  const module_ = await tsImport('../local/managed-arns.ts', __filename);
  return module_.managedArns();
};
