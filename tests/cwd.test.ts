// The current directory as the kernel's (host/wasi/cwd.ts): chdir, fchdir and getcwd with Linux's errors, relative
// paths after each, and an image exec'd after a chdir starting there (tests/c/cwd_exec.c). The gcc build run by
// Linux under strace is the reference: the same output, the same chdir/fchdir/getcwd trace lines.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../dist/host/api.js';
import { guest, ROOT, tempDir } from './helpers.js';
import { needs } from './tools.js';

/** The cwd lines of a trace (strace -f -yy's or socklab's), pids, times, pointers and the program's directory out. */
function cwdLines(text: string, dir: string): string[] {
  return text.split('\n')
    .map((l) => l.replace(/^\[pid\s+\d+\] (\d+\.\d+ )?|^\d+\s+/, '').replace(/ <[\d.]+>$/, '').replace(/\s+= /, ' = '))
    .filter((l) => /^(chdir|fchdir|getcwd)\(/.test(l))
    .map((l) => {
      const g = /^getcwd\("([^"]*)", (\d+)\) = (\d+)$/.exec(l);
      // getcwd(2) returns the path's length with its NUL: checked here, then masked (the directories' lengths differ).
      if (g) expect(Number(g[3])).toBe(Buffer.byteLength(g[1]!) + 1);
      return l.split(dir).join('/p').replace(/0x[0-9a-f]+/g, 'PTR').replace(/^(getcwd\("[^"]*", \d+\)) = \d+$/, '$1 = LEN')
        // stdout: a socketpair under node's spawnSync, a pipe in socklab's run.
        .replace(/^fchdir\(1<.*>\)/, 'fchdir(1<stdout>)');
    });
}

describe('the current directory, against Linux', () => {
  it('chdir, fchdir and getcwd give what Linux gives, and an exec\'d image starts in its parent\'s directory', async () => {
    needs('gcc');
    needs('strace');
    const native = realpathSync(tempDir('socklab-cwd-native-'));
    const wasm = tempDir('socklab-cwd-wasm-');
    execFileSync('gcc', ['-O1', '-w', '-o', join(native, 'cwd_exec'), join(ROOT, 'tests', 'c', 'cwd_exec.c')]);
    copyFileSync(guest('cwd_exec'), join(wasm, 'cwd_exec'));
    const st = join(tempDir('socklab-cwd-strace-'), 'strace.out');
    const r = spawnSync('strace', ['-f', '-yy', '-qq', '-o', st, join(native, 'cwd_exec'), native], { encoding: 'utf8', env: {}, timeout: 20_000 });
    expect(r.status).toBe(0);
    const want = r.stdout.split(native).join('/p');
    expect(want).toContain('child starts in: /p/w\nnote.txt holds 4: in w\n');

    const trace = join(tempDir('socklab-cwd-trace-'), 'trace');
    const o = await run({ processes: [{ module: guest('cwd_exec'), name: 'cwd_exec', args: ['/p'] }], mounts: [{ host: wasm, guest: '/p', readonly: false }], timeoutMs: 60_000, trace: { file: trace } });
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(want);
    const ours = cwdLines(readFileSync(trace, 'utf8'), '/p');
    expect(ours).toEqual(cwdLines(readFileSync(st, 'utf8'), native));
    expect(ours).toContain('chdir(PTR) = -1 EFAULT (Bad address)');
  }, 60_000);
});
