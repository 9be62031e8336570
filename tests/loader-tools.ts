// Shared by tests/loader-native.test.ts and tests/loader-rewrite.test.ts:
// prepare modules with a chosen Asyncify tool, each run from an empty
// module cache of its own, and put the environment back afterwards.
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needs } from './tools.js';
import { nativeWasmOpt, resetNativeWasmOpt } from '../dist/host/loader/wasmopt.js';

/**
 * A scratch directory for the calling test file, removed with
 * SOCKLAB_CACHE and SOCKLAB_WASM_OPT restored after its tests.
 */
export function loaderScratch(prefix: string): string {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const saved = { cache: process.env.SOCKLAB_CACHE, tool: process.env.SOCKLAB_WASM_OPT };
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    for (const [k, v] of [['SOCKLAB_CACHE', saved.cache], ['SOCKLAB_WASM_OPT', saved.tool]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetNativeWasmOpt();
  });
  return work;
}

/** The native wasm-opt on PATH (the loader's own search, which passes over node_modules/.bin). */
export function wasmOptPath(): string {
  needs('wasm-opt');
  delete process.env.SOCKLAB_WASM_OPT;
  resetNativeWasmOpt();
  const tool = nativeWasmOpt();
  if (!tool) throw new Error('this test needs a native wasm-opt (Debian package binaryen) on PATH, not only node_modules/.bin/wasm-opt');
  return tool.path;
}

let n = 0;
/** Runs f with the Asyncify step in `tool` ("none": binaryen.js), from an empty cache under `work`, so the module is prepared by that tool. */
export async function withTool<T>(work: string, tool: string, f: () => Promise<T>): Promise<T> {
  process.env.SOCKLAB_WASM_OPT = tool;
  process.env.SOCKLAB_CACHE = join(work, `cache-${++n}`);
  resetNativeWasmOpt();
  try {
    return await f();
  } finally {
    resetNativeWasmOpt();
  }
}
