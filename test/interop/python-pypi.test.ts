// Current Python grpcio from PyPI (beside the Debian 1.51 tests): the official health-checking
// client (grpcio-health-checking) and reflection client (grpcio-reflection's descriptor database)
// against `handwire serve --demo`, as a Python user would point them at it.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { demoUserId } from '../../src/cli/demo-data.js';
import { childEnv } from '../helpers/child-env.js';
import { grpcioVenvPython, INSTALL_HINT } from '../helpers/peer-tools.js';
import { startServe } from '../helpers/serve-process.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('python_pypi_client.py', import.meta.url));
const python = grpcioVenvPython();
const skip =
  python === undefined && process.env.CI !== 'true'
    ? `the PyPI grpcio virtualenv is not installed: ${INSTALL_HINT}`
    : false;

t.test('PyPI grpcio: health and reflection clients against handwire serve', { skip }, async (t) => {
  if (python === undefined) throw new Error(`no PyPI grpcio virtualenv: ${INSTALL_HINT}`);
  const serve = await startServe(['--demo']);
  t.teardown(() => serve.stop());
  const userId = demoUserId(0);
  const { stdout } = await run(python, [script, serve.address, userId], {
    env: childEnv(),
    timeout: 60_000,
  });
  const seen = JSON.parse(stdout);
  t.match(seen.grpcio, /^1\.8\d\./, `grpcio ${seen.grpcio} from PyPI`);

  t.same(seen.health.check, {
    '': 'SERVING',
    'user.UserService': 'SERVING',
    'offers.v1.OfferService': 'SERVING',
  });
  t.equal(seen.health.unknown, 'NOT_FOUND', 'an unknown service is NOT_FOUND');
  t.equal(seen.health.watch, 'SERVING', 'Watch starts with the current status');

  t.same(
    [...seen.reflection.services].sort(),
    [
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'offers.v1.OfferService',
      'user.UserService',
    ],
    'every service, listed over v1alpha',
  );
  t.match(
    seen.reflection.user,
    { id: userId, role: 'ROLE_USER' },
    'a call typed by reflection alone',
  );
  t.equal(seen.reflection.error.code, 'INVALID_ARGUMENT');
  t.match(
    seen.reflection.error.status,
    {
      code: 3,
      details: [
        {
          type: 'google.rpc.BadRequest',
          value: { fieldViolations: [{ field: 'username' }, { field: 'email' }] },
        },
      ],
    },
    'the BadRequest detail decoded with the types reflection serves',
  );
});
