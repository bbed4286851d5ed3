// The environment for child Node processes the tests start (the CLI, an embedded server).
//
// tap collects coverage in every Node process it can reach: @tapjs/processinfo is loaded into
// children through NODE_OPTIONS (and its patch of child_process puts it back if removed) and
// records their coverage unless `_TAPJS_PROCESSINFO_COVERAGE_` is "0"; NODE_V8_COVERAGE does the
// same for plain V8 coverage. Children load the sources through tsx (esbuild), whose transpiled
// files and source maps differ from the TypeScript loader tap uses, and merging the two collapses
// whole files to one line each (a run once reported 209 statements for the project, at 100 %).
// So children run outside coverage; what they execute is measured in-process by other tests.
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_V8_COVERAGE;
  env._TAPJS_PROCESSINFO_COVERAGE_ = '0';
  return env;
}
