// `socklab build`: C sources to a wasm32-wasip1 module. Uses the clang, lld
// and wasi-libc of the @yowasp/clang npm package (itself WebAssembly, so
// nothing to install), or a real wasi-sdk when WASI_SDK_PATH is set. The
// guest SDK (guest/c) is on the include path and linked before libc, so
// unmodified POSIX socket programs build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../loader/module.js';
import { readUserFile, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';

export interface BuildOptions {
  sources: string[];
  out: string;
  /** Extra clang flags (-O2, -DNAME, -I dir, -lm, ...). */
  flags?: string[];
  /** Link the socklab guest SDK (default true). */
  sdk?: boolean;
  /** Where clang's diagnostics go (default: process.stderr). */
  stderr?: (text: string) => void;
}

export class BuildError extends Error {
  constructor(message: string, readonly diagnostics: string) {
    super(message);
  }
}

interface SdkRecipe {
  includeDir: string;
  sources: string[];
  cflags: string[];
  ldflags: string[];
}

/** The repository (or installed package) root: the nearest directory above whose package.json is socklab's. */
export function packageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  const isRoot = (dir: string): boolean => {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'socklab';
    } catch {
      return false;
    }
  };
  while (!isRoot(d)) {
    const up = dirname(d);
    if (up === d) throw new Error('cannot find the socklab package root');
    d = up;
  }
  return d;
}

function sdkRecipe(): SdkRecipe | undefined {
  const root = packageRoot();
  const f = join(root, 'guest', 'c', 'sdk.json');
  if (!existsSync(f)) return undefined;
  const r = JSON.parse(readFileSync(f, 'utf8')) as SdkRecipe;
  return {
    includeDir: join(root, r.includeDir),
    sources: r.sources.map((s) => join(root, s)),
    cflags: r.cflags ?? [],
    ldflags: r.ldflags ?? [],
  };
}

type Tree = { [name: string]: Tree | string | Uint8Array };

/** Places a host file at its absolute path in the virtual tree clang sees. */
function put(tree: Tree, abs: string, data: Uint8Array | string): void {
  const parts = abs.split(sep).filter(Boolean);
  let t = tree;
  for (const p of parts.slice(0, -1)) {
    const next = t[p];
    if (next === undefined || typeof next === 'string' || next instanceof Uint8Array) t = t[p] = {};
    else t = next;
  }
  t[parts[parts.length - 1]!] = data;
}

const HEADER_EXT = new Set(['.h', '.hh', '.hpp', '.inc', '.def', '.c']);

/** Adds a directory's headers (and C files, for #include "x.c"), bounded so a huge tree cannot blow up memory. */
function putDir(tree: Tree, dir: string, budget = { files: 2000, bytes: 64 << 20 }, depth = 0): void {
  if (depth > 6 || !existsSync(dir)) return;
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (budget.files <= 0 || budget.bytes <= 0) return;
    if (ent.name === 'node_modules' || ent.name.startsWith('.')) continue;
    const p = join(dir, ent.name);
    if (ent.isDirectory()) putDir(tree, p, budget, depth + 1);
    else if (ent.isFile() && HEADER_EXT.has(extname(ent.name))) {
      const st = statSync(p);
      if (st.size > 4 << 20) continue;
      budget.files--;
      budget.bytes -= st.size;
      put(tree, p, readFileSync(p));
    }
  }
}

async function yowaspClang(args: string[], tree: Tree, stderr: (s: string) => void): Promise<Tree> {
  const { commands } = await import('@yowasp/clang');
  // Load LLVM's resources once, quietly (the package logs progress to stdout by default).
  await commands['wasm-ld'](null as unknown as string[], {}, { fetchProgress: () => {} });
  let diag = '';
  const dec = new TextDecoder();
  try {
    const out = await commands.clang(args.slice(1), tree, {
      fetchProgress: () => {},
      stdout: (b: Uint8Array | null) => { if (b) stderr(dec.decode(b)); },
      stderr: (b: Uint8Array | null) => { if (b) diag += dec.decode(b, { stream: true }); },
    });
    if (diag) stderr(diag);
    return (out ?? {}) as Tree;
  } catch (e) {
    if (diag) stderr(diag);
    const code = (e as { code?: number }).code;
    throw new BuildError(`clang failed${code !== undefined ? ` (exit ${code})` : ''}`, diag || String((e as Error).message));
  }
}

function treeGet(tree: Tree, abs: string): Uint8Array | undefined {
  let t: Tree | string | Uint8Array | undefined = tree;
  for (const p of abs.split(sep).filter(Boolean)) {
    if (!t || typeof t === 'string' || t instanceof Uint8Array) return undefined;
    t = t[p];
  }
  return t instanceof Uint8Array ? t : typeof t === 'string' ? new TextEncoder().encode(t) : undefined;
}

/** Builds (once, cached by content) the SDK as an archive; returns its bytes. */
async function sdkArchive(sdk: SdkRecipe, stderr: (s: string) => void): Promise<Uint8Array> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ cflags: sdk.cflags, v: 1 }));
  const incFiles: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else incFiles.push(p);
    }
  };
  walk(sdk.includeDir);
  for (const f of [...incFiles.sort(), ...sdk.sources]) h.update(f.slice(sdk.includeDir.length)).update(readFileSync(f));
  for (const f of sdk.sources) {
    const dir = dirname(f);
    for (const e of readdirSync(dir)) if (e.endsWith('.h')) h.update(e).update(readFileSync(join(dir, e)));
  }
  const file = join(cacheDir(), `sdk-${h.digest('hex').slice(0, 32)}.a`);
  if (existsSync(file)) return readFileSync(file);

  const tree: Tree = {};
  putDir(tree, sdk.includeDir);
  for (const s of sdk.sources) {
    put(tree, s, readFileSync(s));
    putDir(tree, dirname(s));
  }
  const objs = sdk.sources.map((_, i) => `/sdkobj/o${i}.o`);
  // One clang call per source keeps -o names unique; they are small.
  for (let i = 0; i < sdk.sources.length; i++) {
    const out = await yowaspClang(['clang', '--target=wasm32-wasip1', '-O2', '-c', '-isystem', sdk.includeDir, ...sdk.cflags, sdk.sources[i]!, '-o', objs[i]!], tree, stderr);
    put(tree, objs[i]!, treeGet(out, objs[i]!)!);
  }
  const { commands } = await import('@yowasp/clang');
  const arOut = (await commands.ar(['rcs', '/sdkobj/libsocklab.a', ...objs], tree, { fetchProgress: () => {} })) as Tree;
  const lib = treeGet(arOut, '/sdkobj/libsocklab.a');
  if (!lib) throw new BuildError('could not archive the guest SDK', '');
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, lib);
  renameSync(tmp, file);
  return lib;
}

function readSource(s: string, stderr: (t: string) => void): Buffer {
  try {
    return readUserFile(s, { maxBytes: USER_FILE_LIMITS.source, what: '' });
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    const d = `clang: error: ${e.message}\n`;
    stderr(d);
    throw new BuildError(e.message, d);
  }
}

export async function buildC(opts: BuildOptions): Promise<void> {
  const stderr = opts.stderr ?? ((s: string) => process.stderr.write(s));
  const sources = opts.sources.map((s) => resolve(s));
  for (const s of sources) if (!existsSync(s)) throw new BuildError(`no such file: ${s}`, `clang: error: no such file or directory: '${s}'\n`);
  // Regular files, bounded, read once (a FIFO or /dev/zero named as a source must not hang the build).
  const texts = new Map(sources.map((s) => [s, readSource(s, stderr)]));
  const out = resolve(opts.out);
  const flags = opts.flags ?? [];
  const sdk = opts.sdk === false ? undefined : sdkRecipe();
  const wasiSdk = process.env.WASI_SDK_PATH;

  if (wasiSdk) {
    const wasiClang = join(wasiSdk, 'bin', 'clang');
    const sysroot = join(wasiSdk, 'share', 'wasi-sysroot');
    const missing = !existsSync(wasiClang) ? wasiClang : !existsSync(sysroot) ? sysroot : undefined;
    if (missing) {
      const d = `socklab build: WASI_SDK_PATH=${wasiSdk}, but ${missing} does not exist: point WASI_SDK_PATH at a wasi-sdk (the directory with bin/clang and share/wasi-sysroot), or unset it to use the bundled clang\n`;
      stderr(d);
      throw new BuildError(d.trim(), d);
    }
    const args = ['--target=wasm32-wasip1', `--sysroot=${join(wasiSdk, 'share', 'wasi-sysroot')}`];
    const tmpLib = sdk ? join(cacheDir(), 'wasi-sdk-libsocklab.a') : undefined;
    if (sdk && tmpLib) {
      mkdirSync(cacheDir(), { recursive: true });
      writeFileSync(tmpLib, await sdkArchive(sdk, stderr));
      args.push('-isystem', sdk.includeDir, ...sdk.cflags);
    }
    // The SDK's link flags first, so the user's own (a -z stack-size, say) win.
    args.push(...(tmpLib ? sdk!.ldflags : []), ...flags, ...sources, ...(tmpLib ? [tmpLib] : []), '-o', out);
    const r = spawnSync(wasiClang, args, { encoding: 'utf8' });
    if (r.error) {
      const d = `socklab build: cannot run ${wasiClang} (WASI_SDK_PATH): ${r.error.message}\n`;
      stderr(d);
      throw new BuildError(d.trim(), d);
    }
    if (r.stderr) stderr(r.stderr);
    if (r.status !== 0) throw new BuildError(`clang failed (exit ${r.status})`, r.stderr ?? '');
    return;
  }

  const tree: Tree = {};
  for (const s of sources) {
    put(tree, s, texts.get(s)!);
    putDir(tree, dirname(s));
  }
  // -I directories the user named must be visible in the virtual tree too.
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    const dir = f === '-I' || f === '-isystem' ? flags[i + 1] : f.startsWith('-I') ? f.slice(2) : undefined;
    if (dir) putDir(tree, resolve(dir));
  }
  const args = ['clang', '--target=wasm32-wasip1'];
  if (sdk) {
    putDir(tree, sdk.includeDir);
    put(tree, '/socklab-sdk/libsocklab.a', await sdkArchive(sdk, stderr));
    args.push('-isystem', sdk.includeDir, ...sdk.cflags);
  }
  const vout = '/socklab-out/out.wasm';
  const userFlags = flags.map((f, i) => (flags[i - 1] === '-I' || flags[i - 1] === '-isystem') ? resolve(f) : f.startsWith('-I') && !isAbsolute(f.slice(2)) ? `-I${resolve(f.slice(2))}` : f);
  // The SDK's link flags first, so the user's own (a -z stack-size, say) win.
  args.push(...(sdk ? sdk.ldflags : []), ...userFlags, ...sources, ...(sdk ? ['/socklab-sdk/libsocklab.a'] : []), '-o', vout);
  const result = await yowaspClang(args, tree, stderr);
  const wasm = treeGet(result, vout);
  if (!wasm) throw new BuildError('clang produced no output', '');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, wasm);
}

export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}
