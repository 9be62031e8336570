// Building the guests that ship as sources (examples, test programs) into
// wasm/ on demand: a module is rebuilt only when its sources changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { buildC } from './clang.js';
import { buildAs } from './asc.js';
import { packageRoot } from './clang.js';
import { readUserFile, USER_FILE_LIMITS } from '../fs/userfile.js';
import { findToolchain } from './toolchains.js';
import { localHeaders } from './local-headers.js';

/** Builds `out` from C `sources` unless a stamp says these exact sources (and the local headers they include) built it. */
export async function ensureBuilt(sources: string[], out: string, flags: string[] = [], stderr?: (text: string) => void): Promise<string> {
  const h = createHash('sha256');
  for (const s of sources) {
    h.update(s).update(readUserFile(s, { maxBytes: USER_FILE_LIMITS.source, what: 'source' }));
    // The headers it includes from beside itself (tests/c/tlpi/*.h): editing one rebuilds its guests.
    // Nothing is added for a source without any, so its stamp stays what it was.
    for (const f of localHeaders(s)) h.update(relative(dirname(s), f)).update(readFileSync(f));
  }
  h.update(flags.join('\0'));
  // The compiler that would build it now (SOCKLAB_TOOLCHAIN, a native clang installed since): its module differs.
  h.update(findToolchain().id);
  const sdk = join(packageRoot(), 'guest', 'c', 'sdk.json');
  if (existsSync(sdk)) h.update(readFileSync(sdk));
  // The SDK's own sources and headers: a module links them, so changing one rebuilds it.
  for (const d of ['src', 'include'].map((x) => join(packageRoot(), 'guest', 'c', x))) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort()) h.update(f).update(readFileSync(f));
  }
  const stamp = `${out}.stamp`;
  const digest = h.digest('hex');
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return out;
  mkdirSync(dirname(out), { recursive: true });
  // Build beside the target and rename: a parallel reader never sees a half-written module.
  const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await buildC({ sources, out: tmp, flags, ...(stderr ? { stderr } : {}) });
  renameSync(tmp, out);
  writeFileSync(`${stamp}.${process.pid}.tmp`, digest);
  renameSync(`${stamp}.${process.pid}.tmp`, stamp);
  return out;
}

/**
 * Builds `out` from an AssemblyScript `source` unless a stamp says this
 * source, guest/as and asconfig.json as they are now built it. (Files the
 * source imports beside itself are not in the stamp: examples import only
 * "socklab".)
 */
export async function ensureBuiltAs(source: string, out: string): Promise<string> {
  const root = packageRoot();
  const h = createHash('sha256').update(source).update(readUserFile(source, { maxBytes: USER_FILE_LIMITS.source, what: 'source' }));
  h.update(readFileSync(join(root, 'asconfig.json')));
  const lib = join(root, 'guest', 'as');
  for (const f of readdirSync(lib, { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).sort()) h.update(f).update(readFileSync(join(lib, f)));
  const digest = h.digest('hex');
  const stamp = `${out}.stamp`;
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return out;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await buildAs({ source, out: tmp });
  renameSync(tmp, out);
  writeFileSync(`${stamp}.${process.pid}.tmp`, digest);
  renameSync(`${stamp}.${process.pid}.tmp`, stamp);
  return out;
}

export function wasmDir(): string {
  return join(packageRoot(), 'wasm');
}
export function examplesDir(): string {
  return join(packageRoot(), 'examples');
}
