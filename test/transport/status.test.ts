import t from 'tap';
import { isStatusCode, parseStatusCode, Status, statusName } from '../../src/transport/status.js';

t.test('the 17 codes have the numbers of statuscodes.md', async (t) => {
  t.equal(Object.keys(Status).length, 17);
  t.equal(Status.OK, 0);
  t.equal(Status.NOT_FOUND, 5);
  t.equal(Status.UNIMPLEMENTED, 12);
  t.equal(Status.UNAUTHENTICATED, 16);
  for (const [index, code] of Object.values(Status).entries()) t.equal(code, index, 'no gaps');
});

t.test('statusName', async (t) => {
  const cases: [number, string][] = [
    [0, 'OK'],
    [1, 'CANCELLED'],
    [4, 'DEADLINE_EXCEEDED'],
    [16, 'UNAUTHENTICATED'],
    [17, 'Code(17)'],
    [-1, 'Code(-1)'],
    [1.5, 'Code(1.5)'],
  ];
  for (const [code, name] of cases) t.equal(statusName(code), name, `${code}`);
});

t.test('isStatusCode', async (t) => {
  t.ok(isStatusCode(0));
  t.ok(isStatusCode(16));
  t.notOk(isStatusCode(17));
  t.notOk(isStatusCode(-1));
  t.notOk(isStatusCode(2.5));
  t.notOk(isStatusCode('2'));
  t.notOk(isStatusCode(Number.NaN));
});

t.test('parseStatusCode reads grpc-status; anything unreadable is UNKNOWN', async (t) => {
  const cases: [string | undefined, number][] = [
    ['0', Status.OK],
    ['5', Status.NOT_FOUND],
    ['16', Status.UNAUTHENTICATED],
    ['05', Status.NOT_FOUND], // leading zeros: grpc-go's ParseInt accepts them
    ['17', Status.UNKNOWN],
    ['99999999999', Status.UNKNOWN],
    ['-1', Status.UNKNOWN],
    ['+1', Status.UNKNOWN],
    [' 1', Status.UNKNOWN],
    ['1.0', Status.UNKNOWN],
    ['0x1', Status.UNKNOWN],
    ['abc', Status.UNKNOWN],
    ['', Status.UNKNOWN],
    [undefined, Status.UNKNOWN],
  ];
  for (const [value, code] of cases) t.equal(parseStatusCode(value), code, JSON.stringify(value));
});
