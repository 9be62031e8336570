// Design decision 12: a native wasm32 clang when there is one, @yowasp/clang
// otherwise, and programs behave the same either way (the same SDK overlay
// and link flags). @yowasp/clang's objects and links are cached by content.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileC, findToolchain } from '../dist/host/toolchain/clang.js';
import { ROOT, run, tempDir } from './helpers.js';

const tmp = tempDir('socklab-toolchain-');
let native: string | undefined;
try {
  native = findToolchain('native').name;
} catch {
  native = undefined;
}

/** The first "// run:" line's arguments. */
function argsOf(src: string): string[] {
  return /^\/\/ run:(.*)$/m.exec(readFileSync(src, 'utf8'))?.[1]!.trim().split(/\s+/).filter(Boolean) ?? [];
}

async function runModule(module: string, args: string[]): Promise<{ stdout: string; status: number }> {
  const o = await run({ processes: [{ module, args }], timeoutMs: 60_000 });
  return { stdout: o.stdout, status: o.status };
}

describe('native and @yowasp/clang builds', () => {
  // Sockets and errno strings (the SDK), and a deep recursion that needs the SDK's 1 MiB stack (its link flags).
  it.skipIf(!native).each(['net_errors', 'net_tcp_more', 'diff_stack'])('%s behaves the same built either way', async (name) => {
    const src = join(ROOT, 'tests', 'c', `${name}.c`);
    const args = argsOf(src);
    const n = await compileC({ sources: [src], out: join(tmp, `${name}.native.wasm`), toolchain: 'native', stderr: () => {} });
    const p = await compileC({ sources: [src], out: join(tmp, `${name}.npm.wasm`), toolchain: 'npm', stderr: () => {} });
    expect(n.toolchain).not.toBe('npm');
    expect(p.toolchain).toBe('npm');
    const a = await runModule(join(tmp, `${name}.native.wasm`), args);
    const b = await runModule(join(tmp, `${name}.npm.wasm`), args);
    expect(a.stdout.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
    // Executable either way, as a linker leaves its output: a guest can execve it.
    for (const f of [`${name}.native.wasm`, `${name}.npm.wasm`]) expect(statSync(join(tmp, f)).mode & 0o111).toBe(0o111 & ~process.umask());
  }, 240_000);

  it.skipIf(!native)("never reads the machine's own headers: a header wasi-libc lacks is not found, not glibc's", async () => {
    // Debian's clang searches /usr/include after /usr/include/wasm32-wasi: <argp.h> (glibc's, on this machine
    // with libc6-dev) compiled against x86-64 glibc, and <pthread.h> failed deep inside glibc's bits/.
    const src = join(tmp, 'hostheader.c');
    writeFileSync(src, '#include <argp.h>\nint main(void) { return 0; }\n');
    let diag = '';
    await expect(compileC({ sources: [src], out: join(tmp, 'hostheader.wasm'), toolchain: 'native', stderr: (t) => { diag += t; } })).rejects.toThrow(/clang failed/);
    expect(diag).toMatch(/'argp\.h' file not found/);
    expect(diag).not.toContain('/usr/include/argp.h');
  });

  it.skipIf(!native)('a threaded program gets a line saying why it cannot build, and status 1', () => {
    const src = join(tmp, 'threads.c');
    writeFileSync(src, '#include <pthread.h>\nint main(void) { return 0; }\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'build', '--toolchain', 'native', src, '-o', join(tmp, 'threads.wasm')], { encoding: 'utf8' });
    expect(r.stderr).toContain("'pthread.h' file not found");
    expect(r.stderr).toContain('socklab build: wasm32-wasip1 has no threads; serve several clients with fork(), or with poll(), select() or epoll in one process\n');
    expect(r.status).toBe(1);
  });

  it('--toolchain native without one is a build error that says what to install', async () => {
    const path = process.env.PATH;
    const sdk = process.env.WASI_SDK_PATH;
    process.env.PATH = '/nonexistent';
    delete process.env.WASI_SDK_PATH;
    let diag = '';
    try {
      await expect(compileC({ sources: [join(ROOT, 'bench', 'c', 'hello.c')], out: join(tmp, 'x.wasm'), toolchain: 'native', stderr: (s) => { diag += s; } })).rejects.toThrow(/no native clang/);
    } finally {
      process.env.PATH = path;
      if (sdk !== undefined) process.env.WASI_SDK_PATH = sdk;
    }
    expect(diag).toMatch(/clang-16 lld-16 wasi-libc/);
  });
});

describe('@yowasp/clang cache', () => {
  it('an unchanged rebuild comes from the cache; a changed header compiles again', async () => {
    // A source no earlier run has seen, including a header beside it.
    const dir = mkdtempSync(join(tmp, 'cache-'));
    const stamp = `${process.pid}-${Date.now()}`;
    writeFileSync(join(dir, 'greet.h'), '#define GREETING "hello"\n');
    writeFileSync(join(dir, 'main.c'), `#include <stdio.h>\n#include "greet.h"\n// ${stamp}\nint main(void) { puts(GREETING); return 0; }\n`);
    const build = (): ReturnType<typeof compileC> => compileC({ sources: [join(dir, 'main.c')], out: join(dir, 'main.wasm'), toolchain: 'npm', announce: true, stderr: () => {} });

    const cold = await build();
    // (The link may still hit: the comment leaves the object, hence the link's inputs, as an earlier run's.)
    expect(cold).toMatchObject({ toolchain: 'npm', objectsCompiled: 1, objectsCached: 0 });
    const first = readFileSync(join(dir, 'main.wasm'));

    const t0 = Date.now();
    const warm = await build();
    const warmMs = Date.now() - t0;
    expect(warm).toMatchObject({ objectsCompiled: 0, objectsCached: 1, linkCached: true });
    expect(readFileSync(join(dir, 'main.wasm'))).toEqual(first);
    expect(warmMs).toBeLessThan(2000);
    expect((await runModule(join(dir, 'main.wasm'), [])).stdout).toBe('hello\n');

    writeFileSync(join(dir, 'greet.h'), '#define GREETING "changed"\n');
    const again = await build();
    expect(again).toMatchObject({ objectsCompiled: 1, objectsCached: 0 });
    expect((await runModule(join(dir, 'main.wasm'), [])).stdout).toBe('changed\n');
  }, 240_000);
});
