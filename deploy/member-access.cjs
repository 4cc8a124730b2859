// What the central stack adds for the member accounts the config lists (the bus policy, the roles they may assume),
// computed when packaging by local/member-stack.ts; nothing when the config lists none. Packaging machine only.
const { tsImport } = require('tsx/esm/api');

module.exports = async () => {
  const module_ = await tsImport('../local/member-stack.ts', __filename);
  return module_.centralMemberAccess();
};
