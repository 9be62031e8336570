// `socklab build`: C sources to a wasm32-wasip1 module. Uses a native clang
// with the wasm32 WASI target when there is one (toolchains.ts: a wasi-sdk in
// WASI_SDK_PATH, Debian's clang + lld + wasi-libc), else the clang, lld and
// wasi-libc of the @yowasp/clang npm package (itself WebAssembly, so nothing
// to install; its objects and links are cached by content, so an unchanged
// rebuild is instant). The guest SDK (guest/c) is on the include path and
// linked before libc, the same way with either, so unmodified POSIX socket
// programs build and behave alike.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../loader/module.js';
import { readUserFile, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';
import { findToolchain, ToolchainError, type Toolchain, type ToolchainChoice } from './toolchains.js';
import { runNative, runYowasp, type CompileLimits } from './limited.js';

export { findToolchain, type Toolchain, type ToolchainChoice } from './toolchains.js';
export type { CompileLimits } from './limited.js';

export interface BuildOptions {
  sources: string[];
  out: string;
  /** Extra clang flags (-O2, -DNAME, -I dir, -lm, ...). */
  flags?: string[];
  /** Link the socklab guest SDK (default true). */
  sdk?: boolean;
  /** Where clang's diagnostics go (default: process.stderr). */
  stderr?: (text: string) => void;
  /** Which compiler (default: SOCKLAB_TOOLCHAIN, else auto: a native wasm32 clang when there is one). */
  toolchain?: ToolchainChoice;
  /** Say on stderr which toolchain ran (`socklab build --toolchain`). */
  announce?: boolean;
  /** wasip1 (default): a core module on socklab's ABI; component: a WASI 0.2 command component (component.ts). */
  target?: BuildTarget;
  /**
   * Untrusted sources (a grader's submission): each compiler run gets at most this wall time and memory,
   * and one over a limit is a BuildError whose message says which ("compile exceeded 20 s").
   */
  limits?: CompileLimits;
  /**
   * Untrusted sources: the only directories a native clang may see. Every other host file is hidden from
   * its front end by a VFS overlay that does not fall through to the real filesystem, so `#include`,
   * `__has_include` (however a macro spells it), `#pragma GCC dependency` and the like find nothing
   * outside, and a file that exists looks like one that does not. (@yowasp/clang sees only its virtual tree.)
   */
  visible?: string[];
}

export type BuildTarget = 'wasip1' | 'component';
export const BUILD_TARGETS: readonly BuildTarget[] = ['wasip1', 'component'];

export class BuildError extends Error {
  constructor(message: string, readonly diagnostics: string) {
    super(message);
  }
}

/**
 * Headers of what cannot work on wasm32-wasip1 under socklab, each with what to do instead: the line a build
 * that failed for want of one prints after clang's "file not found". Threads: wasm32-wasip1 has none (Debian's
 * wasi-libc has no <pthread.h>, a newer one's pthread_create fails).
 */
const UNSUPPORTED_HEADERS: readonly { headers: readonly string[]; hint: string }[] = [
  { headers: ['pthread.h', 'threads.h'], hint: 'wasm32-wasip1 has no threads; serve several clients with fork(), or with poll(), select() or epoll in one process' },
  // The SDK has <sys/ipc.h>, <sys/msg.h> and <sys/sem.h> (message queues and semaphores), not shared memory yet.
  { headers: ['sys/shm.h'], hint: 'System V shared memory (shmget, shmat) is not supported; share memory between processes with mmap(MAP_SHARED|MAP_ANONYMOUS) before fork(), or use message queues or semaphores (<sys/msg.h>, <sys/sem.h>)' },
  { headers: ['ucontext.h'], hint: 'WebAssembly cannot save or switch execution contexts (getcontext, makecontext, swapcontext); write the coroutine as a state machine driven by poll() or epoll, or use fork()' },
  { headers: ['setjmp.h'], hint: 'wasm32-wasip1 has no setjmp/longjmp; return an error code up the call chain instead' },
  { headers: ['execinfo.h'], hint: 'WebAssembly cannot walk its own stack (backtrace); print what you need, or run with --trace to see the calls' },
  { headers: ['dlfcn.h'], hint: 'a WebAssembly module is linked statically: no dlopen; build every part into the one module' },
  { headers: ['pty.h', 'utmp.h'], hint: 'socklab has no terminals (no pseudo-terminals either); talk to a child over a pipe or socketpair' },
  { headers: ['sys/ptrace.h'], hint: 'a guest cannot trace another process; run it with socklab run --trace' },
];

/**
 * A line for a build that failed on something WASI preview 1 lacks, where the compiler's own message does not say
 * so: the first header clang did not find that UNSUPPORTED_HEADERS names. A header the SDK has (`includeDir`, by
 * default guest/c's) is never diagnosed, whatever the table says: the SDK may have gained it since.
 */
export function buildHint(diagnostics: string, includeDir: string | undefined = sdkRecipe()?.includeDir): string | undefined {
  for (const m of diagnostics.matchAll(/'([^'\n]+)' file not found/g)) {
    const header = m[1]!;
    const entry = UNSUPPORTED_HEADERS.find((e) => e.headers.includes(header));
    if (!entry || (includeDir && existsSync(join(includeDir, header)))) continue;
    return `socklab build: ${entry.hint}`;
  }
  return undefined;
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

/** A clang VFS overlay (YAML; JSON is YAML) showing only `dirs`, each as itself. */
export function vfsOverlay(dirs: readonly string[]): string {
  const roots = [...new Set(dirs)].map((d) => ({ type: 'directory-remap', name: d, 'external-contents': d }));
  return JSON.stringify({ version: 0, fallthrough: false, roots });
}

/** Runs `fn` with the path of an overlay file for `dirs` (none when `dirs` is undefined), removed after. */
export async function withOverlay<T>(dirs: readonly string[] | undefined, fn: (args: string[]) => Promise<T>): Promise<T> {
  if (!dirs) return fn([]);
  const dir = mkdtempSync(join(tmpdir(), 'socklab-vfs-'));
  try {
    const f = join(dir, 'overlay.yaml');
    writeFileSync(f, vfsOverlay(dirs));
    return await fn(['-ivfsoverlay', f]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** guest/c/sdk.json, or for components guest/c/component/sdk.json (the same headers, socket calls over wasi:sockets). */
function sdkRecipe(target: BuildTarget = 'wasip1'): SdkRecipe | undefined {
  const root = packageRoot();
  const f = target === 'component' ? join(root, 'guest', 'c', 'component', 'sdk.json') : join(root, 'guest', 'c', 'sdk.json');
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

async function yowaspClang(args: string[], tree: Tree, stderr: (s: string) => void, limits?: CompileLimits): Promise<Tree> {
  if (limits) {
    const r = await runYowasp('clang', args.slice(1), tree, limits);
    if (r.stop) {
      stderr(`${r.stop.message}\n`);
      throw new BuildError(r.stop.message, `${r.stop.message}\n`);
    }
    if (r.stdout) stderr(r.stdout);
    if (r.stderr) stderr(r.stderr);
    if (r.error !== undefined) throw new BuildError(`clang failed: ${r.error}`, r.stderr || r.error);
    if (r.code !== undefined) throw new BuildError(`clang failed (exit ${r.code})`, r.stderr);
    return r.files ?? {};
  }
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

function sha(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : p).update('\0');
  return h.digest('hex');
}

/** Content hash of the guest SDK: its headers, sources and flags. */
function sdkHash(sdk: SdkRecipe): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ cflags: sdk.cflags, ldflags: sdk.ldflags, v: 2 }));
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
    for (const e of readdirSync(dir).sort()) if (e.endsWith('.h')) h.update(e).update(readFileSync(join(dir, e)));
  }
  return h.digest('hex');
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** Builds (once per toolchain, cached by content) the SDK as an archive; returns its path in the cache. */
async function sdkArchive(sdk: SdkRecipe, tc: Toolchain, stderr: (s: string) => void): Promise<string> {
  const file = join(cacheDir(), `sdk-${sha(sdkHash(sdk), tc.id).slice(0, 32)}.a`);
  if (existsSync(file)) return file;

  const objs = new Map<string, Uint8Array>();
  const args = (src: string, o: string): string[] => [`--target=${tc.target}`, ...tc.sysroot, '-O2', '-c', '-isystem', sdk.includeDir, ...sdk.cflags, src, '-o', o];
  if (tc.clang) {
    const dir = mkdtempSync(join(tmpdir(), 'socklab-sdk-'));
    try {
      for (let i = 0; i < sdk.sources.length; i++) {
        const o = join(dir, `o${i}.o`);
        const r = spawnSync(tc.clang, args(sdk.sources[i]!, o), { encoding: 'utf8' });
        if (r.stderr) stderr(r.stderr);
        if (r.status !== 0) throw new BuildError(`could not compile the guest SDK with ${tc.name} (exit ${r.status})`, r.stderr ?? '');
        objs.set(`o${i}.o`, readFileSync(o));
      }
      if (tc.ar) {
        const r = spawnSync(tc.ar, ['rcs', join(dir, 'libsocklab.a'), ...[...objs.keys()].map((o) => join(dir, o))], { encoding: 'utf8' });
        if (r.status !== 0) throw new BuildError(`could not archive the guest SDK (${tc.ar}: exit ${r.status})`, r.stderr ?? '');
        writeAtomic(file, readFileSync(join(dir, 'libsocklab.a')));
        return file;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    const tree: Tree = {};
    putDir(tree, sdk.includeDir);
    for (const s of sdk.sources) {
      put(tree, s, readFileSync(s));
      putDir(tree, dirname(s));
    }
    // One clang call per source keeps -o names unique; they are small.
    for (let i = 0; i < sdk.sources.length; i++) {
      const o = `/sdkobj/o${i}.o`;
      const out = await yowaspClang(['clang', ...args(sdk.sources[i]!, o)], tree, stderr);
      objs.set(`o${i}.o`, treeGet(out, o)!);
    }
  }
  // No native llvm-ar (or the npm toolchain): @yowasp/clang's ar writes the archive and its symbol index.
  const tree: Tree = {};
  for (const [n, b] of objs) put(tree, `/sdkobj/${n}`, b);
  const { commands } = await import('@yowasp/clang');
  const arOut = (await commands.ar(['rcs', '/sdkobj/libsocklab.a', ...[...objs.keys()].map((n) => `/sdkobj/${n}`)], tree, { fetchProgress: () => {} })) as Tree;
  const lib = treeGet(arOut, '/sdkobj/libsocklab.a');
  if (!lib) throw new BuildError('could not archive the guest SDK', '');
  writeAtomic(file, lib);
  return file;
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

/** What a build did: which toolchain ran, and what the npm toolchain's caches gave. */
export interface BuildResult {
  toolchain: Toolchain['kind'];
  /** For people, as `socklab build --toolchain` prints it. */
  name: string;
  /** Objects taken from the cache, and compiled (npm toolchain; native compiles are not cached). */
  objectsCached: number;
  objectsCompiled: number;
  /** The linked module came from the cache (npm toolchain). */
  linkCached: boolean;
}

// Flags that change what clang writes or how it reads its inputs: such builds run as one uncached clang call.
const UNCACHEABLE = new Set(['-c', '-E', '-S', '-M', '-MM', '-MD', '-MMD', '-MF', '-MT', '-MQ', '-fsyntax-only', '-save-temps', '--save-temps', '-###', '-v', '-x', '-emit-llvm', '-print-search-dirs']);
function cacheable(flags: string[]): boolean {
  return !flags.some((f) => UNCACHEABLE.has(f) || /^-(x|save-temps=|-save-temps=|print-|MF|MT|MQ)/.test(f));
}

/** The files a -MD dependency file lists (after the target). */
function parseDeps(text: string): string[] {
  const body = text.replace(/\\\r?\n/g, ' ');
  const colon = body.indexOf(': ');
  const words = (colon >= 0 ? body.slice(colon + 2) : body).match(/(?:\\ |[^\s])+/g) ?? [];
  return words.map((w) => w.replace(/\\ /g, ' '));
}

interface ObjectEntry {
  /** Headers the object was compiled from (outside the SDK and the compiler's own), and their content hashes. */
  deps: [string, string][];
  stderr: string;
}

function lookupObject(key: string): { obj: Uint8Array; entry: ObjectEntry } | undefined {
  const base = join(cacheDir(), 'objects', key);
  try {
    const entry = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as ObjectEntry;
    for (const [path, h] of entry.deps) if (sha(readFileSync(path)) !== h) return undefined;
    return { obj: readFileSync(`${base}.o`), entry };
  } catch {
    return undefined;
  }
}

/** Builds a module from C sources. */
export async function buildC(opts: BuildOptions): Promise<void> {
  await compileC(opts);
}

/**
 * Writes a built module as a linker leaves one: a new file, 0777 less the umask, so a guest can execve it
 * (wasm-ld's output is 0755 with the usual umask; a plain write would be 0644).
 */
function writeModule(out: string, bytes: Uint8Array): void {
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes, { mode: 0o777 });
  renameSync(tmp, out);
}

/** Where the core module goes before it becomes a component. */
function coreOut(out: string): string {
  return `${out}.core-${process.pid}.tmp`;
}

/** buildC, telling which toolchain ran and what came from the caches. */
export async function compileC(opts: BuildOptions): Promise<BuildResult> {
  if (opts.target !== 'component') return compileCore(opts);
  if (opts.sdk === false) throw new BuildError('--target=component needs the SDK (its socket layer and cabi_realloc)', '');
  const out = resolve(opts.out);
  const tmp = coreOut(out);
  try {
    const result = await compileCore({ ...opts, out: tmp });
    const { componentize } = await import('./component.js');
    writeModule(out, await componentize(new Uint8Array(readFileSync(tmp)), packageRoot()));
    return result;
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function compileCore(opts: BuildOptions): Promise<BuildResult> {
  const stderr = opts.stderr ?? ((s: string) => process.stderr.write(s));
  const sources = opts.sources.map((s) => resolve(s));
  for (const s of sources) if (!existsSync(s)) throw new BuildError(`no such file: ${s}`, `clang: error: no such file or directory: '${s}'\n`);
  // Regular files, bounded, read once (a FIFO or /dev/zero named as a source must not hang the build).
  const texts = new Map(sources.map((s) => [s, readSource(s, stderr)]));
  const out = resolve(opts.out);
  const flags = opts.flags ?? [];
  const sdk = opts.sdk === false ? undefined : sdkRecipe(opts.target);
  let tc: Toolchain;
  try {
    tc = findToolchain(opts.toolchain);
  } catch (e) {
    if (!(e instanceof ToolchainError)) throw e;
    stderr(`socklab build: ${e.message}\n`);
    throw new BuildError(e.message, `${e.message}\n`);
  }
  if (opts.announce) stderr(`socklab build: ${tc.name}\n`);
  const result: BuildResult = { toolchain: tc.kind, name: tc.name, objectsCached: 0, objectsCompiled: 0, linkCached: false };

  if (tc.clang) {
    // A native clang (Debian's, or a wasi-sdk): one call, the same SDK overlay and flags as below.
    const args = [`--target=${tc.target}`, ...tc.sysroot];
    const lib = sdk ? await sdkArchive(sdk, tc, stderr) : undefined;
    if (sdk) args.push('-isystem', sdk.includeDir, ...sdk.cflags);
    // Debian's wasi-libc carries DWARF that @yowasp/clang's does not: leave it out unless the user asked for -g.
    if (tc.kind === 'native' && !flags.some((f) => /^-g/.test(f))) args.push('-Wl,--strip-debug');
    // The SDK's link flags first, so the user's own (a -z stack-size, say) win.
    args.push(...(sdk ? sdk.ldflags : []), ...flags, ...sources, ...(lib ? [lib] : []), '-o', out);
    mkdirSync(dirname(out), { recursive: true });
    if (opts.limits) {
      // A crash at the memory limit must not leave a reproducer (the whole preprocessed source) in /tmp.
      const r = await withOverlay(opts.visible, (vfs) => runNative(tc.clang!, ['-fno-crash-diagnostics', ...vfs, ...args], opts.limits!));
      if (r.stop) {
        // The crash dump of a killed compiler says nothing the student can use: the limit only.
        stderr(`${r.stop.message}\n`);
        throw new BuildError(r.stop.message, `${r.stop.message}\n`);
      }
      if (r.stderr) stderr(r.stderr);
      if (r.status !== 0) throw new BuildError(`clang failed (${r.signal ?? `exit ${r.status}`})`, r.stderr);
      return result;
    }
    const r = await withOverlay(opts.visible, async (vfs) => spawnSync(tc.clang!, [...vfs, ...args], { encoding: 'utf8' }));
    if (r.stderr) stderr(r.stderr);
    if (r.error) throw new BuildError(`could not run ${tc.clang}: ${r.error.message}`, r.error.message);
    if (r.status !== 0) throw new BuildError(`clang failed (exit ${r.status})`, r.stderr ?? '');
    return result;
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
  const sdkLib = sdk ? await sdkArchive(sdk, tc, stderr) : undefined;
  const sdkArgs = sdk ? ['-isystem', sdk.includeDir, ...sdk.cflags] : [];
  if (sdk) {
    putDir(tree, sdk.includeDir);
    put(tree, '/socklab-sdk/libsocklab.a', readFileSync(sdkLib!));
  }
  const vout = '/socklab-out/out.wasm';
  const userFlags = flags.map((f, i) => (flags[i - 1] === '-I' || flags[i - 1] === '-isystem') ? resolve(f) : f.startsWith('-I') && !isAbsolute(f.slice(2)) ? `-I${resolve(f.slice(2))}` : f);
  const finish = (wasm: Uint8Array | undefined): BuildResult => {
    if (!wasm) throw new BuildError('clang produced no output', '');
    mkdirSync(dirname(out), { recursive: true });
    writeModule(out, wasm);
    return result;
  };

  if (!cacheable(userFlags)) {
    const args = ['clang', `--target=${tc.target}`, ...sdkArgs];
    // The SDK's link flags first, so the user's own (a -z stack-size, say) win.
    args.push(...(sdk ? sdk.ldflags : []), ...userFlags, ...sources, ...(sdk ? ['/socklab-sdk/libsocklab.a'] : []), '-o', vout);
    result.objectsCompiled = sources.length;
    return finish(treeGet(await yowaspClang(args, tree, stderr, opts.limits), vout));
  }

  // Compile each C or assembly source to an object, cached by content hash: the source and its path,
  // the flags, the SDK and the compiler; a hit also checks the headers it included last time.
  const sdkKey = sdk ? sha(sdkHash(sdk), sdk.includeDir) : 'no-sdk';
  // Which headers the source could find beside it and in -I directories: a header added there may win over
  // the one an #include found last time, so the listing (names, not contents) is part of the key.
  const listing: string[] = [];
  const list = (t: Tree, at: string): void => {
    for (const [name, v] of Object.entries(t)) {
      const p = `${at}/${name}`;
      if (sdk && (p === sdk.includeDir || p.startsWith(sdk.includeDir + sep))) continue;
      if (typeof v === 'string' || v instanceof Uint8Array) listing.push(p);
      else list(v, p);
    }
  };
  list(tree, '');
  const visible = sha(...listing.sort());
  const inputs: { path: string; data: Uint8Array }[] = [];
  for (let i = 0; i < sources.length; i++) {
    const src = sources[i]!;
    const data = texts.get(src)!;
    if (/\.(o|a)$/.test(src)) {
      inputs.push({ path: src, data });
      continue;
    }
    const key = sha('object-v1', tc.id, sdkKey, src, data, JSON.stringify(userFlags), visible);
    const hit = lookupObject(key);
    if (hit) {
      if (hit.entry.stderr) stderr(hit.entry.stderr);
      result.objectsCached++;
      inputs.push({ path: `/socklab-obj/o${i}.o`, data: hit.obj });
      continue;
    }
    const o = `/socklab-obj/o${i}.o`;
    const d = `/socklab-obj/o${i}.d`;
    let diag = '';
    const compiled = await yowaspClang(['clang', `--target=${tc.target}`, ...sdkArgs, ...userFlags, '-Qunused-arguments', '-c', src, '-o', o, '-MD', '-MF', d], tree, (t) => { diag += t; stderr(t); }, opts.limits);
    const obj = treeGet(compiled, o);
    if (!obj) throw new BuildError('clang produced no object', diag);
    const depText = treeGet(compiled, d);
    const deps: [string, string][] = [];
    for (const dep of depText ? parseDeps(new TextDecoder().decode(depText)) : []) {
      const abs = resolve(dep);
      if (abs === src || (sdk && abs.startsWith(sdk.includeDir + sep))) continue;
      const bytes = treeGet(tree, abs);
      if (bytes && !deps.some(([p]) => p === abs)) deps.push([abs, sha(bytes)]);
    }
    try {
      const base = join(cacheDir(), 'objects', key);
      writeAtomic(`${base}.o`, obj);
      writeAtomic(`${base}.json`, JSON.stringify({ deps, stderr: diag } satisfies ObjectEntry));
    } catch {
      /* an unwritable cache only costs a compile next time */
    }
    result.objectsCompiled++;
    inputs.push({ path: o, data: obj });
  }

  // Link, cached by the objects, the libraries given as inputs, the flags and the SDK archive.
  const linkKey = sha('link-v1', tc.id, sdkLib ? sha(readFileSync(sdkLib)) : 'no-sdk', JSON.stringify(sdk?.ldflags ?? []), JSON.stringify(userFlags), ...inputs.map((x) => sha(x.path, x.data)));
  const linked = join(cacheDir(), 'links', linkKey);
  try {
    const wasm = readFileSync(`${linked}.wasm`);
    const diag = readFileSync(`${linked}.txt`, 'utf8');
    if (diag) stderr(diag);
    result.linkCached = true;
    return finish(wasm);
  } catch {
    /* not cached */
  }
  for (const x of inputs) put(tree, x.path, x.data);
  let diag = '';
  const args = ['clang', `--target=${tc.target}`, ...(sdk ? sdk.ldflags : []), ...userFlags, '-Qunused-arguments', ...inputs.map((x) => x.path), ...(sdk ? ['/socklab-sdk/libsocklab.a'] : []), '-o', vout];
  const wasm = treeGet(await yowaspClang(args, tree, (t) => { diag += t; stderr(t); }, opts.limits), vout);
  if (wasm) {
    try {
      writeAtomic(`${linked}.wasm`, wasm);
      writeAtomic(`${linked}.txt`, diag);
    } catch {
      /* as above */
    }
  }
  return finish(wasm);
}

export function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}
