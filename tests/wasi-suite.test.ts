// WASI preview1 as the official WASI test suite (wasi-testsuite) checks it,
// through whole guests making the calls directly (tests/c/wasi_p1.c): named
// preopens (`--dir HOST:NAME`), rights, and the errno of each departure the
// suite found.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGuest } from './helpers.js';
import { parseMount } from '../dist/host/scenario/mount.js';

const tmp = mkdtempSync(join(tmpdir(), 'socklab-wasits-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function scratch(name: string): string {
  const d = join(tmp, `${name}-${n++}`);
  mkdirSync(d);
  return d;
}

async function p1(group: string, extra: string[] = []): Promise<string> {
  const o = await runGuest('wasi_p1', [group, ...extra], { mounts: [parseMount(`${scratch(group)}:scratch`)] });
  expect(o.status, o.stderr).toBe(0);
  return o.stdout;
}

describe('WASI preview1 conformance', () => {
  it('a relative --dir GUEST is a named preopen after "/", also mounted at /GUEST', async () => {
    expect(parseMount(`${tmp}:data`)).toEqual({ host: tmp, guest: '/data', readonly: false, preopen: 'data' });
    expect(() => parseMount(`${tmp}:../x`)).toThrow(/cannot hold \.\./);
    const out = await p1('rights');
    expect(out).toMatch(/^preopen 3 \/\npreopen 4 scratch\n/);
  });

  it('fd_fdstat_get reports rights by type and access mode; a directory reopens with the rights it reports', async () => {
    const out = await p1('rights');
    expect(out).toContain('dir type 3 write 0 readdir 1 path_open 1 set_size 0 inheriting read 1 write 1\n');
    expect(out).toContain('reopen with its rights: ok\ncreate: ok\nfile read 1 write 1 seek 1\nread-only file read 1 write 0\n');
  });
});
