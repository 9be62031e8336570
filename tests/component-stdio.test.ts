// stdio through `socklab build --target=component`: the preview1 command
// adapter's fd_write writes only the first non-empty iovec and its fd_read
// fills only the first, so writev/readv came back short where Linux does the
// whole call (the component SDK now does them one iovec at a time). The same
// program, under each buffering mode of stdout and of a file, must print the
// same built by gcc on Linux, built by default on socklab, and built as a
// component on socklab and on jco's preview2-shim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { compileC } from '../dist/host/toolchain/clang.js';
import { ROOT, run } from './helpers.js';
import { needs } from './tools.js';

const T = 240_000;
const SRC = join(ROOT, 'tests', 'component-stdio', 'stdio.c');
const MODES = ['default', 'full', 'small', 'line', 'none'];
let tmp: string;
let shimDir: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'socklab-cstdio-'));
  await compileC({ sources: [SRC], out: join(tmp, 'stdio.wasm'), stderr: () => {} });
  await compileC({ sources: [SRC], out: join(tmp, 'stdio.component.wasm'), target: 'component', stderr: () => {} });
  // Inside the package (.cache/ is git-ignored), so the glue finds @bytecodealliance/preview2-shim.
  shimDir = join(ROOT, '.cache', 'test-component-stdio', String(process.pid));
  mkdirSync(shimDir, { recursive: true });
  const out = await transpileBytes(readFileSync(join(tmp, 'stdio.component.wasm')), { name: 'c', wasiShim: true, base64Cutoff: 0x7fffffff, emitTypescriptDeclarations: false });
  for (const [f, d] of Object.entries(out.files)) writeFileSync(join(shimDir, f), d);
}, T);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(shimDir, { recursive: true, force: true });
});

/** stdout of the program on socklab, the file under a mount of tmp. */
async function onSocklab(module: string, mode: string): Promise<string> {
  const r = await run({ processes: [{ module, name: 'stdio', args: [mode, `/data/${mode}.${module.endsWith('component.wasm') ? 'c' : 'p1'}.txt`] }], mounts: [{ host: tmp, guest: '/data', readonly: false }], timeoutMs: 60_000 });
  expect(r.processes[0]!.stderr).toBe('');
  expect(r.processes[0]!.exit.status).toBe(0);
  return r.processes[0]!.stdout;
}

/** stdout of the component on preview2-shim (stdout a pipe, tmp preopened as /data). */
function onShim(mode: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests', 'component-build', 'p2run.mjs'), '--preopen', tmp, join(shimDir, 'c.js'), 'stdio', mode, `/data/${mode}.shim.txt`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (status) => (status === 0 && err === '' ? resolve(out) : reject(new Error(`preview2-shim: status ${status}: ${err}`))));
  });
}

describe('stdio and writev/readv of a component print what Linux prints', () => {
  it('gcc on Linux, the default build and the component on socklab, the component on preview2-shim: every buffering mode', async () => {
    needs('gcc');
    const exe = join(tmp, 'stdio.native');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, SRC]);
    for (const mode of MODES) {
      const linux = execFileSync(exe, [mode, join(tmp, `${mode}.native.txt`)], { encoding: 'utf8' });
      // What the program checks: each write whole and in order, the counts Linux returns.
      expect(linux).toMatch(new RegExp(`^mode ${mode}: first 1 formatted\\nsecond 00042\\|left    \\|beef\\nthird, from puts\\n012\\nbig 5000: abc`));
      expect(linux).toMatch(/\nfwrite\nabcdabcdefghij[a-z]+\n\nwritev stdout: 3007\nfclose: 0\nwritev file: 3007\nreadv file: 24 \[file\] \[ \] \[/);
      expect(linux).toMatch(/\nreadv at end: 0\nlast line, flushed at exit\n$/);
      expect(await onSocklab(join(tmp, 'stdio.wasm'), mode), `default build, ${mode}`).toBe(linux);
      expect(await onSocklab(join(tmp, 'stdio.component.wasm'), mode), `component on socklab, ${mode}`).toBe(linux);
      expect(await onShim(mode), `component on preview2-shim, ${mode}`).toBe(linux);
      // The files too: the same bytes whichever wrote them.
      const file = readFileSync(join(tmp, `${mode}.native.txt`), 'utf8');
      expect(file.length).toBe(3007 + `file ${mode}: first 1\nsecond `.length + 101 + 'third\n'.length);
      for (const who of ['p1', 'c', 'shim']) expect(readFileSync(join(tmp, `${mode}.${who}.txt`), 'utf8'), `${who}, ${mode}`).toBe(file);
    }
  }, T);
});
