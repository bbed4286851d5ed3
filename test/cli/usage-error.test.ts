// One form for every file-system fault of the command line (issue #17): "cannot read PATH
// (--flag): reason in words (CODE)", "cannot write PATH (--flag): …".

import t from 'tap';
import { cannotRead, cannotWrite, ioReason } from '../../src/cli/usage-error.js';

const fault = (code?: string) => Object.assign(new Error(`${code}: something`), { code });

t.test('read and write failures share one form', async (t) => {
  t.equal(
    cannotRead('/x/a.csv', fault('EACCES')).message,
    'cannot read /x/a.csv: permission denied (EACCES)',
  );
  t.equal(
    cannotRead('/x/ca.pem', fault('EACCES'), '--tls-ca').message,
    'cannot read /x/ca.pem (--tls-ca): permission denied (EACCES)',
  );
  t.equal(
    cannotWrite('/no/dir/a.csv', fault('ENOENT'), '--output').message,
    'cannot write /no/dir/a.csv (--output): its directory does not exist (ENOENT)',
  );
  t.equal(
    cannotWrite('/x', fault('EACCES'), '--output').message,
    'cannot write /x (--output): permission denied (EACCES)',
  );
});

t.test('the reasons in words', async (t) => {
  t.equal(ioReason(fault('ENOENT'), 'read'), 'no such file (ENOENT)');
  t.equal(ioReason(fault('EISDIR'), 'read'), 'it is a directory (EISDIR)');
  t.equal(ioReason(fault('ENOSPC'), 'write'), 'no space left on the device (ENOSPC)');
  t.equal(
    ioReason(fault('EXDEV'), 'write'),
    'EXDEV: something (EXDEV)',
    "Node's words for the rest",
  );
  t.equal(ioReason(new Error('odd'), 'read'), 'odd');
});
