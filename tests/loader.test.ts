// The loader's refusals and edge cases, through `socklab run` as a user sees
// them: each malformed module in tests/fixtures/malformed/ gets one line on
// stderr (never a stack trace) and the status of a refused module (2); the
// valid edge cases run with their own status.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import binaryen from 'binaryen';
import { ROOT, run } from './helpers.js';
import { ModuleError } from '../dist/host/api.js';

const FIXTURES = join(ROOT, 'tests', 'fixtures', 'malformed');
const work = mkdtempSync(join(tmpdir(), 'socklab-loader-'));
/** A cache of its own: every transform in this file is a cold one. */
const env = { ...process.env, SOCKLAB_CACHE: join(work, 'cache') };

/** Assembles tests/fixtures/malformed/NAME.wat into a .wasm in the work directory. */
export function assemble(name: string): string {
  const mod = binaryen.parseText(readFileSync(join(FIXTURES, `${name}.wat`), 'utf8'));
  mod.setFeatures(binaryen.Features.All);
  const out = join(work, `${name}.wasm`);
  writeFileSync(out, mod.emitBinary());
  mod.dispose();
  return out;
}

function socklab(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line, "socklab: ...", and nothing that looks like a stack trace. */
function oneLine(stderr: string): string {
  expect(stderr).not.toMatch(/\n\s+at |\bError\b|\[object Object\]/);
  expect(stderr.split('\n')).toHaveLength(2);
  expect(stderr.endsWith('\n')).toBe(true);
  return stderr.trimEnd();
}

const REFUSED: [fixture: string, message: string][] = [
  ['import-i64', 'socklab: import-i64.wasm: import wasi_snapshot_preview1.fd_write has type (i64) -> i32, expected (i32, i32, i32, i32) -> i32'],
  ['import-arity', 'socklab: import-arity.wasm: import wasi_snapshot_preview1.fd_write has type (i32, i32) -> i32, expected (i32, i32, i32, i32) -> i32'],
  ['import-noresult', 'socklab: import-noresult.wasm: import wasi_snapshot_preview1.sock_accept has type (i32, i32, i32) -> (), expected (i32, i32, i32) -> i32'],
  ['import-global', 'socklab: import-global.wasm: import wasi_snapshot_preview1.fd_write is a global, expected a function (i32, i32, i32, i32) -> i32'],
  ['start-not-func', 'socklab: start-not-func.wasm: export _start is a global, expected a function () -> ()'],
  ['memory-not-memory', 'socklab: memory-not-memory.wasm: export memory is a table, expected the guest\'s linear memory'],
  ['tail-call', "socklab: tail-call.wasm uses tail calls (return_call), which socklab's Asyncify transform cannot handle yet; build without -mtail-call"],
];

describe('malformed modules through socklab run', () => {
  const files = new Map<string, string>();
  beforeAll(() => {
    for (const [name] of REFUSED) files.set(name, assemble(name));
  });

  it.each(REFUSED)('%s is refused in one line with status 2', (name, message) => {
    const r = socklab(['run', files.get(name)!]);
    expect(oneLine(r.stderr)).toBe(message);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('says a .wat file (even one starting with comments) is text to assemble', () => {
    const r = socklab(['run', join(FIXTURES, 'tail-call.wat')]);
    expect(oneLine(r.stderr)).toBe('socklab: tail-call.wat is WebAssembly text (.wat), not a binary module; assemble it first (e.g. wasm-as or wat2wasm)');
    expect(r.status).toBe(2);
  });

  it('the run() API rejects a refused module with a ModuleError', async () => {
    await expect(run({ processes: [{ module: assemble('import-i64') }] })).rejects.toThrow(ModuleError);
  });
});

describe('valid edge cases run', () => {
  it('a start section runs first, with the process in place: it may write to stdout', () => {
    const r = socklab(['run', assemble('start-memory')]);
    expect(r).toEqual({ status: 0, stdout: 'from start\n', stderr: '' });
  });

  it('proc_exit in a start section keeps its status', () => {
    const r = socklab(['run', assemble('start-exit')]);
    expect(r).toEqual({ status: 7, stdout: '', stderr: '' });
  });

  it('a memory whose maximum equals its initial size still leaves socklab room', () => {
    const r = socklab(['run', assemble('memory-max-equals-initial')]);
    expect(r).toEqual({ status: 4, stdout: '', stderr: '' });
  });
});
