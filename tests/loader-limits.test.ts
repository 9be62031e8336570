// Bounded preparation: a module too large to transform is refused in one
// line, and the timeout can cover loading and transforming (the CLI's
// --timeout), so a large module under a short timeout ends with the timeout
// status and says so.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, tempDir } from './helpers.js';

const work = tempDir('socklab-loader-limits-');

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let x = n & 0x7f;
    n >>>= 7;
    if (n) x |= 0x80;
    out.push(x);
  } while (n);
  return out;
}
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const str = (s: string): number[] => [...leb(s.length), ...Buffer.from(s)];

/**
 * A WASI command with n functions of type () -> (), each a loop and a call
 * to the next (so Asyncify and fuel counting instrument every one), written
 * as bytes directly: generating it costs milliseconds.
 */
function manyFunctions(n: number): Uint8Array {
  const types = section(1, [2, 0x60, 0, 0, 0x60, 1, 0x7f, 0]); // 0: () -> (), 1: (i32) -> ()
  const imports = section(2, [1, ...str('wasi_snapshot_preview1'), ...str('proc_exit'), 0, 1]);
  const funcs = section(3, [...leb(n + 1), ...new Array<number>(n + 1).fill(0)]);
  const memory = section(5, [1, 0, 1]);
  const exports = section(7, [2, ...str('memory'), 2, 0, ...str('_start'), 0, ...leb(n + 1)]);
  const code: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = [0, 0x03, 0x40, 0x41, 0, 0x0d, 0, 0x0b, 0x10, ...leb(1 + ((i + 1) % n)), 0x0b];
    code.push(...leb(body.length), ...body);
  }
  const start = [0, 0x41, 0, 0x10, 0, 0x0b]; // _start: proc_exit(0)
  code.push(...leb(start.length), ...start);
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...memory, ...exports, ...section(10, [...leb(n + 1), ...code])]);
}

function socklab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // A cache of its own: every transform here is a cold one.
  const env = { ...process.env, SOCKLAB_CACHE: mkdtempSync(join(work, 'cache-')) };
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('preparing a module is bounded', () => {
  it('the generated module is a valid command that runs', () => {
    const f = join(work, 'small.wasm');
    writeFileSync(f, manyFunctions(10));
    expect(socklab(['run', '--fuel', '1000000', f])).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('timeoutCoversLoading (the CLI\'s --timeout): a large module under a short timeout ends with 124 and says it was preparing it', async () => {
    // A custom section with a fresh nonce: a module no cache has seen, so the transform is a cold one.
    const nonce = [...str('socklab-test-nonce'), ...Buffer.from(`${process.pid}-${Date.now()}`)];
    const bytes = new Uint8Array([...manyFunctions(6000), ...section(0, nonce)]);
    const t0 = Date.now();
    const o = await run({ processes: [{ module: bytes, name: 'large.wasm' }], fuel: 1_000_000, timeoutMs: 500, timeoutCoversLoading: true });
    expect(o.status).toBe(124);
    expect(o.limit).toBe('time limit exceeded: the run took longer than 0.5 s of wall-clock time; socklab was still preparing large.wasm (checking and transforming it for --fuel)');
    expect(o.processes).toEqual([]);
    // The transform is stopped, not waited for (it takes far longer than this).
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('refuses a module with more functions than --fuel prepares, in one line', () => {
    const f = join(work, 'huge.wasm');
    writeFileSync(f, manyFunctions(20_000));
    const r = socklab(['run', '--fuel', '1000000', f]);
    expect(r.stderr).toBe('socklab run: huge.wasm has 20001 functions; socklab prepares modules of at most 20000 functions with --fuel, so that preparing one stays bounded\n');
    expect(r.status).toBe(2);
  });

  it('refuses a module with more functions than Asyncify prepares, in one line', () => {
    const f = join(work, 'huger.wasm');
    writeFileSync(f, manyFunctions(50_000));
    const r = socklab(['run', f]);
    expect(r.stderr).toBe('socklab run: huger.wasm has 50001 functions; socklab prepares modules of at most 50000 functions, so that preparing one stays bounded\n');
    expect(r.status).toBe(2);
  });
});
