// Which C compiler `socklab build` runs (design decision 12): a native clang
// with the wasm32 WASI target when there is one (a wasi-sdk named by
// WASI_SDK_PATH, or Debian's clang-N + lld-N + wasi-libc +
// libclang-rt-N-dev-wasm32), @yowasp/clang (clang compiled to WebAssembly,
// always there) otherwise. A native candidate counts only once it has
// compiled and linked a small stdio program; that probe is remembered per
// compiler binary in the cache directory.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { cacheDir } from '../loader/module.js';

export type ToolchainChoice = 'auto' | 'native' | 'npm';
export const TOOLCHAIN_CHOICES: readonly ToolchainChoice[] = ['auto', 'native', 'npm'];

export interface Toolchain {
  kind: 'native' | 'wasi-sdk' | 'npm';
  /** For people: "clang-16 (native, wasm32-wasi)", "@yowasp/clang 22.0.0-...". */
  name: string;
  /** For cache keys: changes whenever the compiler or its libc may have. */
  id: string;
  /** native and wasi-sdk: the clang binary, its target triple and sysroot flags. */
  clang?: string;
  target: string;
  sysroot: string[];
  /** An llvm-ar for the SDK archive (undefined: use @yowasp/clang's). */
  ar?: string;
}

export class ToolchainError extends Error {}

/** Debian 12 packages that give a working native toolchain. */
export const DEBIAN_NATIVE_PACKAGES = ['clang-16', 'lld-16', 'wasi-libc', 'libclang-rt-16-dev-wasm32'];

const NATIVE_HINT = `install ${DEBIAN_NATIVE_PACKAGES.join(' ')} (Debian 12), or set WASI_SDK_PATH to a wasi-sdk`;

function onPath(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (!d) continue;
    const p = join(d, cmd);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export function npmToolchain(): Toolchain {
  const req = createRequire(import.meta.url);
  let version = 'unknown';
  try {
    // The package's exports hide package.json: walk up from its entry point.
    for (let d = dirname(req.resolve('@yowasp/clang')); d !== dirname(d); d = dirname(d)) {
      const f = join(d, 'package.json');
      if (!existsSync(f)) continue;
      const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@yowasp/clang') {
        version = pkg.version;
        break;
      }
    }
  } catch {
    /* keep 'unknown' */
  }
  return { kind: 'npm', name: `@yowasp/clang ${version}`, id: `npm:@yowasp/clang@${version}`, target: 'wasm32-wasip1', sysroot: [] };
}

interface Probe {
  key: string;
  ok: boolean;
  target?: string;
  sysroot?: string[];
  version?: string;
  libc?: string;
}

const probeMemo = new Map<string, Probe>();

function probeFile(): string {
  return join(cacheDir(), 'toolchain-probes.json');
}
function readProbes(): Record<string, Probe> {
  try {
    return JSON.parse(readFileSync(probeFile(), 'utf8')) as Record<string, Probe>;
  } catch {
    return {};
  }
}

/** Header directories of the machine itself, which a wasm32 build must never read (glibc's x86-64 headers). */
const HOST_HEADER_DIRS = new Set(['/usr/include', '/usr/local/include']);

/**
 * The sysroot flags, with the header search path narrowed to the compiler's own headers and the WASI ones (after
 * every -I and -isystem, as the standard directories are: the SDK's overlay and #include_next keep working) where
 * it would also search the machine's: Debian's clang with wasi-libc in /usr/include/wasm32-wasi (sysroot /usr)
 * searches /usr/local/include and /usr/include after it, so a header wasi-libc lacks (<pthread.h>) was taken
 * from glibc and failed with "bits/endian.h not found", or compiled against x86-64 layouts. Checked by compiling
 * the probe program again with them; the flags as given where that fails or nothing needs removing.
 */
function withoutHostHeaders(clang: string, target: string, sysroot: string[], dir: string): string[] {
  const r = spawnSync(clang, [`--target=${target}`, ...sysroot, '-E', '-v', '-x', 'c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
  const m = /#include <\.\.\.> search starts here:\n([\s\S]*?)\nEnd of search list\./.exec(r.stderr ?? '');
  if (!m) return sysroot;
  const dirs = m[1]!.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!dirs.some((d) => HOST_HEADER_DIRS.has(d))) return sysroot;
  const narrowed = [...sysroot, '-nostdinc', ...dirs.filter((d) => !HOST_HEADER_DIRS.has(d)).flatMap((d) => ['-idirafter', d])];
  const c = spawnSync(clang, [`--target=${target}`, ...narrowed, join(dir, 'p.c'), '-o', join(dir, 'p2.wasm')], { encoding: 'utf8', timeout: 30_000 });
  return c.status === 0 ? narrowed : sysroot;
}

/** Does this clang compile and link a stdio program for wasm32 WASI? With which triple and sysroot? */
function probe(clang: string, sysroots: string[][]): Probe {
  const real = realpathSync(clang);
  const st = statSync(real);
  // v3: the header search path without the host's own directories (withoutHostHeaders).
  const key = `v3:${real}:${st.size}:${st.mtimeMs}:${sysroots.map((s) => s.join(' ')).join('|')}`;
  const memo = probeMemo.get(key);
  if (memo) return memo;
  const stored = readProbes()[clang];
  if (stored?.key === key && stored.ok && (!stored.libc || existsSync(stored.libc))) {
    probeMemo.set(key, stored);
    return stored;
  }
  const dir = mkdtempSync(join(tmpdir(), 'socklab-probe-'));
  let result: Probe = { key, ok: false };
  try {
    writeFileSync(join(dir, 'p.c'), '#include <stdio.h>\nint main(void) { printf("ok\\n"); return 0; }\n');
    search: for (const target of ['wasm32-wasip1', 'wasm32-wasi']) {
      for (const sysroot of sysroots) {
        const r = spawnSync(clang, [`--target=${target}`, ...sysroot, join(dir, 'p.c'), '-o', join(dir, 'p.wasm')], { encoding: 'utf8', timeout: 30_000 });
        if (r.status === 0 && existsSync(join(dir, 'p.wasm'))) {
          const v = spawnSync(clang, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
          const libc = spawnSync(clang, [`--target=${target}`, ...sysroot, '-print-file-name=libc.a'], { encoding: 'utf8' }).stdout.trim();
          const flags = withoutHostHeaders(clang, target, sysroot, dir);
          result = { key, ok: true, target, sysroot: flags, version: v, libc: libc && existsSync(libc) ? libc : undefined };
          break search;
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  probeMemo.set(key, result);
  // A failure is not kept on disk: it may be a package missing that the user installs next (lld-16, wasi-libc, as
  // the hint says), and a stored "no" keyed on clang alone would hide the toolchain once it works.
  if (!result.ok) return result;
  try {
    mkdirSync(cacheDir(), { recursive: true });
    const all = readProbes();
    all[clang] = result;
    const tmp = `${probeFile()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 1));
    renameSync(tmp, probeFile());
  } catch {
    /* an unwritable cache only costs a probe next time */
  }
  return result;
}

function libcStamp(p: Probe): string {
  if (!p.libc) return '';
  try {
    const st = statSync(p.libc);
    return `:${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
}

function findAr(clang: string, version?: string): string | undefined {
  const beside = join(dirname(realpathSync(clang)), 'llvm-ar');
  if (existsSync(beside)) return beside;
  const major = /version (\d+)/.exec(version ?? '')?.[1];
  return (major && onPath(`llvm-ar-${major}`)) || onPath('llvm-ar');
}

function fromWasiSdk(path: string): Toolchain {
  const clang = join(path, 'bin', 'clang');
  const sysroot = join(path, 'share', 'wasi-sysroot');
  for (const need of [clang, sysroot]) {
    if (!existsSync(need)) throw new ToolchainError(`WASI_SDK_PATH=${path}, but ${need} does not exist: point WASI_SDK_PATH at a wasi-sdk (the directory with bin/clang and share/wasi-sysroot), or unset it to use another compiler`);
  }
  const p = probe(clang, [[`--sysroot=${sysroot}`]]);
  if (!p.ok) throw new ToolchainError(`the wasi-sdk in WASI_SDK_PATH=${path} could not link a test program`);
  return {
    kind: 'wasi-sdk', name: `wasi-sdk (${p.version}, ${p.target})`, id: `wasi-sdk:${realpathSync(clang)}:${p.version}:${p.target}${libcStamp(p)}`,
    clang, target: p.target!, sysroot: p.sysroot!, ar: findAr(clang, p.version),
  };
}

/** Native clangs on PATH, newest first: clang-N, then plain clang. */
function nativeCandidates(): string[] {
  const out: string[] = [];
  for (let v = 30; v >= 14; v--) {
    const p = onPath(`clang-${v}`);
    if (p) out.push(p);
  }
  const plain = onPath('clang');
  if (plain && !out.some((p) => realpathSync(p) === realpathSync(plain))) out.push(plain);
  return out;
}

function findNative(): Toolchain | undefined {
  if (process.env.WASI_SDK_PATH) return fromWasiSdk(process.env.WASI_SDK_PATH);
  // Debian's clang finds wasi-libc in /usr/{include,lib}/wasm32-wasi by itself; other layouts use a sysroot.
  const sysroots: string[][] = [[]];
  for (const s of ['/usr/share/wasi-sysroot', '/opt/wasi-sdk/share/wasi-sysroot']) if (existsSync(s)) sysroots.push([`--sysroot=${s}`]);
  for (const clang of nativeCandidates()) {
    const p = probe(clang, sysroots);
    if (!p.ok) continue;
    const base = clang.split('/').pop()!;
    return {
      kind: 'native', name: `native ${base} (${p.target})`, id: `native:${realpathSync(clang)}:${p.version}:${p.target}:${p.sysroot!.join(' ')}${libcStamp(p)}`,
      clang, target: p.target!, sysroot: p.sysroot!, ar: findAr(clang, p.version),
    };
  }
  return undefined;
}

const autoMemo = new Map<string, Toolchain>();

/** The toolchain for `choice` (default: SOCKLAB_TOOLCHAIN, else auto). */
export function findToolchain(choice?: ToolchainChoice): Toolchain {
  const c = choice ?? (process.env.SOCKLAB_TOOLCHAIN as ToolchainChoice | undefined) ?? 'auto';
  if (!TOOLCHAIN_CHOICES.includes(c)) throw new ToolchainError(`unknown toolchain ${JSON.stringify(c)}: expected ${TOOLCHAIN_CHOICES.join(', ')}`);
  if (c === 'npm') return npmToolchain();
  if (c === 'native') {
    const t = findNative();
    if (!t) throw new ToolchainError(`no native clang with the wasm32 WASI target found: ${NATIVE_HINT}`);
    return t;
  }
  const k = `${process.env.WASI_SDK_PATH ?? ''}|${process.env.PATH ?? ''}`;
  let t = autoMemo.get(k);
  if (!t) autoMemo.set(k, (t = findNative() ?? npmToolchain()));
  return t;
}
