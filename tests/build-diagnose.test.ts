// The line `socklab build` adds when clang did not find a header of something socklab cannot run
// (host/toolchain/clang.ts buildHint): what to do instead, never for a header the SDK has.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHint, findToolchain } from '../dist/host/toolchain/clang.js';
import { ROOT, tempDir } from './helpers.js';

const notFound = (h: string): string => `prog.c:1:10: fatal error: '${h}' file not found\n#include <${h}>\n         ^~~~\n1 error generated.\n`;
let native = true;
try {
  findToolchain('native');
} catch {
  native = false;
}

describe('build diagnoses', () => {
  it('names what to use instead of each header that cannot work', () => {
    const empty = tempDir('socklab-diag-inc-');
    expect(buildHint(notFound('sys/shm.h'), empty)).toBe('socklab build: System V shared memory (shmget, shmat) is not supported; share memory between processes with mmap(MAP_SHARED|MAP_ANONYMOUS) before fork(), or use message queues or semaphores (<sys/msg.h>, <sys/sem.h>)');
    expect(buildHint(notFound('ucontext.h'), empty)).toMatch(/^socklab build: WebAssembly cannot save or switch execution contexts .*state machine/);
    expect(buildHint(notFound('execinfo.h'), empty)).toMatch(/^socklab build: WebAssembly cannot walk its own stack \(backtrace\)/);
    expect(buildHint(notFound('setjmp.h'), empty)).toMatch(/^socklab build: wasm32-wasip1 has no setjmp\/longjmp/);
    expect(buildHint(notFound('pthread.h'), empty)).toMatch(/^socklab build: wasm32-wasip1 has no threads/);
    // Any other missing header, or another error: clang's message alone.
    expect(buildHint(notFound('argp.h'), empty)).toBeUndefined();
    expect(buildHint("prog.c:3:1: error: unknown type name 'foo'\n", empty)).toBeUndefined();
    // The first header the table knows, after one it does not.
    expect(buildHint(notFound('argp.h') + notFound('sys/shm.h'), empty)).toMatch(/System V shared memory/);
  });

  it('never diagnoses a header the SDK has', () => {
    const inc = tempDir('socklab-diag-inc-');
    mkdirSync(join(inc, 'sys'));
    writeFileSync(join(inc, 'setjmp.h'), '');
    writeFileSync(join(inc, 'sys', 'shm.h'), '');
    expect(buildHint(notFound('setjmp.h'), inc)).toBeUndefined();
    expect(buildHint(notFound('sys/shm.h'), inc)).toBeUndefined();
    expect(buildHint(notFound('ucontext.h'), inc)).toMatch(/execution contexts/);
    // The real SDK: <spawn.h>, <termios.h>, <setjmp.h> and all of System V IPC are its own; none of these is there.
    for (const h of ['ucontext.h', 'execinfo.h']) expect(buildHint(notFound(h))).toBeDefined();
    for (const h of ['setjmp.h', 'sys/ipc.h', 'sys/msg.h', 'sys/sem.h', 'sys/shm.h']) expect(buildHint(notFound(h))).toBeUndefined();
  });

  it.skipIf(!native)('socklab build prints the line after clang\'s message, and exits 1', () => {
    const tmp = tempDir('socklab-diag-');
    const src = join(tmp, 'coro.c');
    writeFileSync(src, '#include <ucontext.h>\nint main(void) { ucontext_t u; return getcontext(&u); }\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'build', '--toolchain', 'native', src, '-o', join(tmp, 'coro.wasm')], { encoding: 'utf8' });
    expect(r.stderr).toContain("'ucontext.h' file not found");
    expect(r.stderr).toContain('socklab build: WebAssembly cannot save or switch execution contexts (getcontext, makecontext, swapcontext); write the coroutine as a state machine driven by poll() or epoll, or use fork()\n');
    expect(r.status).toBe(1);
  });

  it('builds programs using <spawn.h> and <termios.h>', () => {
    const tmp = tempDir('socklab-diag-');
    const src = join(tmp, 'ok.c');
    writeFileSync(src, '#include <spawn.h>\n#include <termios.h>\nint main(void) { struct termios t; cfmakeraw(&t); posix_spawnattr_t a; return posix_spawnattr_init(&a); }\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'build', src, '-o', join(tmp, 'ok.wasm')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
