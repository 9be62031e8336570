// The Asyncify step through a native `wasm-opt` (Debian package binaryen)
// when one is installed. Asyncify (loader/module.ts asyncifyLevel: 0 with fuel, 1 without) is most of the cost of
// preparing a module, and binaryen.js runs it as WebAssembly that V8 must
// compile and tier up again in every process: natively the pass takes about
// half the CPU, and a fresh process (a grading thread, `socklab run` of a new
// module) skips that warm-up. Everything before Asyncify (fuel, hooks,
// narrowed imports) is then a rewrite of the bytes (loader/rewrite.ts) that
// charges fuel where binaryen.js does, so every preemption point and trace
// is the same whichever path ran (tests/loader-native.test.ts runs guests
// both ways and compares).
import { spawnLight } from '../toolchain/spawner.js';
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The native tool could not run the pass: the loader runs it in binaryen.js instead, which explains a bad module in its own words. */
export class NativeToolError extends Error {}

/** The oldest wasm-opt whose Asyncify output socklab has checked against binaryen.js (Debian bookworm's). */
export const MIN_WASM_OPT_VERSION = 108;

export interface NativeTool {
  path: string;
  /** Part of the module cache key: which binary (path, size, mtime), found without running it. */
  id: string;
}

let found: NativeTool | null | undefined;
let checked: Map<string, number | null> = new Map();

/**
 * The native wasm-opt to use: $SOCKLAB_WASM_OPT (a path; "none" or "" for
 * binaryen.js only), else the first `wasm-opt` on PATH that is not the npm
 * package's (node_modules/.bin/wasm-opt, on PATH under npm scripts, is
 * binaryen.js again behind a second Node process), else null. Only stats
 * files, so a cached module's start does not spawn anything.
 */
export function nativeWasmOpt(): NativeTool | null {
  if (found !== undefined) return found;
  const env = process.env.SOCKLAB_WASM_OPT;
  const candidates = env !== undefined ? (env === '' || env === 'none' ? [] : [env]) : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'wasm-opt'));
  found = null;
  for (const path of candidates) {
    try {
      const s = statSync(path);
      if (!s.isFile() || !(s.mode & 0o111)) continue;
      if (env === undefined && /[\\/]node_modules[\\/]/.test(realpathSync(path))) continue;
      found = { path, id: toolId(path, s) };
      break;
    } catch {
      /* not there */
    }
  }
  return found;
}

const toolId = (path: string, s: { size: number; mtimeMs: number }): string => `wasm-opt:${path}:${s.size}:${s.mtimeMs}`;

/** Whether `tool`'s binary is still the one it was (one stat, not a search of PATH): a module cache index hit checks the tool its miss used. */
export function sameTool(tool: NativeTool): boolean {
  try {
    return toolId(tool.path, statSync(tool.path)) === tool.id;
  } catch {
    return false;
  }
}

/** Forget the tool found (tests switch $SOCKLAB_WASM_OPT). */
export function resetNativeWasmOpt(): void {
  found = undefined;
  checked = new Map();
}

/** Output beyond this (on either stream) ends the run, as execFile's maxBuffer did. */
const MAX_OUTPUT = 1 << 20;

/** Runs wasm-opt through the spawn helper (toolchain/spawner.ts: a fork of this process is costly); code -1 when it did not exit normally. */
function run(path: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // One thread: the grading pool already uses every core, and CPU is what a submission costs.
  const child = spawnLight(path, args, { env: { ...process.env, BINARYEN_CORES: '1' }, stdout: true, stderr: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let bytes = 0;
  let over = false;
  const take = (into: Buffer[]) => (b: Buffer): void => {
    bytes += b.length;
    if (bytes > MAX_OUTPUT && !over) {
      over = true;
      child.kill();
    }
    if (!over) into.push(b);
  };
  child.on('out', take(out));
  child.on('err', take(err));
  return child.closed.then(({ status }) => {
    const stdout = Buffer.concat(out).toString('utf8');
    const stderr = Buffer.concat(err).toString('utf8');
    if (over) return { code: -1, stdout, stderr: stderr || 'wasm-opt wrote more than 1 MiB' };
    const code = status === 0 ? 0 : (status ?? -1);
    return { code, stdout, stderr: stderr || (code !== 0 ? `wasm-opt ${status === null ? 'was killed' : `exited with status ${status}`}` : '') };
  }, (e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
}

/** The tool's version if it is one socklab can use, else null (then binaryen.js runs the pass). */
async function usableVersion(tool: NativeTool): Promise<number | null> {
  if (checked.has(tool.id)) return checked.get(tool.id)!;
  const r = await run(tool.path, ['--version']);
  const m = /wasm-opt version (\d+)/.exec(r.stdout);
  const v = r.code === 0 && m && Number(m[1]) >= MIN_WASM_OPT_VERSION ? Number(m[1]) : null;
  checked.set(tool.id, v);
  return v;
}

/** Whether `tool` can run the pass (an old or broken wasm-opt is passed over for binaryen.js). */
export async function nativeUsable(tool: NativeTool): Promise<boolean> {
  return (await usableVersion(tool)) !== null;
}

/**
 * Runs Asyncify (optimize level `level`, shrink level 0, as binaryen.js does in
 * loader/module.ts) and remove-unused-module-elements on `bytes`, with the
 * features socklab enables there.
 */
export async function nativeAsyncify(tool: NativeTool, bytes: Uint8Array, asyncImports: readonly string[], name: string, level: 0 | 1 = 1): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'socklab-wasm-opt-'));
  try {
    const input = join(dir, 'in.wasm');
    const output = join(dir, 'out.wasm');
    writeFileSync(input, bytes);
    const features = ['mutable-globals', 'nontrapping-float-to-int', 'simd', 'bulk-memory', 'sign-ext', 'reference-types', 'multivalue', 'extended-const', 'tail-call'];
    const r = await run(tool.path, [
      input,
      '--mvp-features',
      ...features.map((f) => `--enable-${f}`),
      `--optimize-level=${level}`,
      '--shrink-level=0',
      `--pass-arg=asyncify-imports@${asyncImports.join(',')}`,
      '--asyncify',
      '--remove-unused-module-elements',
      '-o',
      output,
    ]);
    if (r.code !== 0) throw new NativeToolError(`${name}: wasm-opt failed: ${r.stderr.split('\n').find((l) => l.trim()) ?? `exit status ${r.code}`}`);
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
