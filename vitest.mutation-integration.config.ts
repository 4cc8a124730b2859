import { defineConfig } from 'vitest/config';
import suite from './vitest.config.ts';

// The suite the integration mutation run gives each mutant: the unit and integration projects of vitest.config.ts as
// they are (moto server started once by the integration globalSetup, reset before each test), so a mutant counts as
// killed by whichever suite catches it and the two configs never drift apart. The fuzz tests stay out: they reach
// nearly every module and would run for each mutant.
const projects = (suite.test?.projects ?? []).map((project) => {
  if (typeof project !== 'object' || !('test' in project) || project.test?.name !== 'unit') return project;
  return { ...project, test: { ...project.test, include: ['test/unit/**/*.test.ts'] } };
});
if (
  !projects.some((project) => typeof project === 'object' && 'test' in project && project.test?.name === 'integration')
) {
  throw new Error('vitest.config.ts has no project named integration for the integration mutation run');
}

export default defineConfig({ test: { projects } });
