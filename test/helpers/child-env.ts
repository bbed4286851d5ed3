// The environment for child Node processes the tests start (the CLI, an embedded server).
//
// tap collects coverage through NODE_V8_COVERAGE, which children inherit. Children load the
// sources through tsx (esbuild), whose source maps differ from the TypeScript loader tap uses,
// and merging the two made whole files' counts collapse (552 statements for the project). So
// children run outside coverage; what they execute is measured in-process by other tests.
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_V8_COVERAGE;
  return env;
}
