// The computed part of the member stack, from the config by local/member-stack.ts when packaging: the alarm rule
// narrowed to the config's alarm names, and the execution role whose grants follow the clusters the config places
// in this account. Runs on the packaging machine only.
const { join } = require('node:path');
const { tsImport } = require('tsx/esm/api');

module.exports = async ({ resolveVariable }) => {
  const module_ = await tsImport('../local/member-stack.ts', __filename);
  const setting = async (name) => String(await resolveVariable(name));
  return module_.memberStackResources(
    {
      account: await setting('self:custom.account'),
      region: await setting('self:provider.region'),
      centralAccount: await setting('self:custom.centralAccount'),
      centralStage: await setting('self:custom.centralStage'),
      centralBusArn: await setting('self:custom.centralBusArn'),
      operatorRoles: await setting('self:custom.operatorRoles'),
    },
    join(__dirname, '..', await setting('self:custom.configFile')),
  );
};
