// sendfile(2) in a small file server (tests/c/sendfile_server.c): a forked
// client receives a 600 KiB file the server sends with sendfile (blocking on
// the socket's buffers), then 5000 bytes of it from an offset; on the virtual
// network and on --net=real, with the output of the native gcc build.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { nativeTmp, ROOT, run, runGuest, tempDir, guest } from './helpers.js';
import { needs } from './tools.js';

const EXPECTED = [
  'client: 619400 bytes, content ok',
  'server: file sent, offset now 614400',
  'server: 5000 from offset 1000, offset now 6000, file offset 614400',
  'server: client exited 0',
  '',
].join('\n');

const work = tempDir('socklab-sendfile-');

describe('sendfile: a file server', () => {
  it('natively (the reference)', () => {
    needs('gcc');
    const exe = join(work, 'sendfile_server');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'sendfile_server.c')]);
    const t = nativeTmp(work);
    expect(execFileSync(exe, { cwd: t.cwd, env: t.env, encoding: 'utf8', timeout: 20_000 })).toBe(EXPECTED);
  });

  it('on the virtual network, traced as strace', async () => {
    const o = await runGuest('sendfile_server', [], { trace: { classes: ['sendfile', 'read'], strSize: 32, time: 'none', library: false } });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(EXPECTED);
    const lines = (o.trace ?? '').split('\n').filter((l) => /sendfile/.test(l));
    // The whole file: blocks while the client reads (resumed), the offset NULL; then from an offset.
    expect(lines.join('\n')).toMatch(/sendfile\(5<TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]>, 3<\/sf_served\.bin>, NULL, 614400 <unfinished \.\.\.>/);
    expect(lines.join('\n')).toMatch(/<\.\.\. sendfile resumed>\) += 614400 <[\d.]+>$/m);
    expect(lines.at(-1)).toMatch(/sendfile\(5<TCP:\[.*\]>, 3<\/sf_served\.bin>, \[1000\] => \[6000\], 5000\) += 5000 <[\d.]+>$/);
  });

  it('the same trace for the same seed', async () => {
    const a = await runGuest('sendfile_server', [], { seed: 7, trace: { classes: ['%net', '%desc'], strSize: 32, time: 'none', library: false } });
    const b = await runGuest('sendfile_server', [], { seed: 7, trace: { classes: ['%net', '%desc'], strSize: 32, time: 'none', library: false } });
    expect(a.trace).toBe(b.trace);
    expect(a.trace).toMatch(/sendfile\(/);
  });

  it('on --net=real (loopback)', async () => {
    const o = await run({
      net: 'real',
      policy: { allowConnect: ['127.0.0.1:*'], allowListen: ['127.0.0.1:*'] },
      timeoutMs: 60_000,
      processes: [{ module: guest('sendfile_server'), name: 'sendfile_server.wasm', args: [] }],
    });
    expect(o.stdout).toBe(EXPECTED);
    expect(o.status).toBe(0);
  });
});

describe('sendfile: partial counts', () => {
  it('into a pipe what fits; on a socket, a signal after some bytes returns them, before any EINTR (as natively)', async () => {
    needs('gcc');
    const exe = join(work, 'sendfile_partial');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'sendfile_partial.c')]);
    const t = nativeTmp(work);
    const native = execFileSync(exe, { cwd: t.cwd, env: t.env, encoding: 'utf8', timeout: 20_000 });
    expect(native).toBe('pipe: 65536, offset 65536\nsocket: partial yes, file offset moved by the count yes\nfull socket: -1 Interrupted system call\n');
    const o = await runGuest('sendfile_partial', [], { trace: { classes: ['sendfile'], strSize: 32, time: 'none', library: false } });
    expect(o.stdout).toBe(native);
    expect(o.status).toBe(0);
    expect(o.trace).toMatch(/sendfile\(6<UNIX-STREAM:\[.*\]>, 3<\/sf_partial\.bin>, NULL, 1048576\) = \? ERESTARTSYS /);
  });
});

describe('sendfile: every case of diff_sendfile', () => {
  it('prints what the native build prints, on the virtual network and on --net=real', async () => {
    needs('gcc');
    const exe = join(work, 'diff_sendfile');
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', 'diff_sendfile.c')]);
    const t = nativeTmp(work);
    const native = execFileSync(exe, { cwd: t.cwd, env: t.env, encoding: 'utf8', timeout: 20_000 });
    expect(native).toMatch(/^null: 5\n/);
    const v = await runGuest('diff_sendfile');
    expect(v.stdout).toBe(native);
    const r = await runGuest('diff_sendfile', [], { net: 'real' });
    expect(r.stdout).toBe(native);
    expect([v.status, r.status]).toEqual([0, 0]);
  });
});
