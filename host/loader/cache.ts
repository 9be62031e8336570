// What every loader (preview1 modules, components) shares: the cache folder,
// the error for a module socklab refuses, and the index that finds a module
// file's cache entry by the file's identity instead of its content's hash.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

/** A module socklab will not run, said in one line (status 2). */
export class ModuleError extends Error {}

/** Where transformed modules are cached: $SOCKLAB_CACHE, else $XDG_CACHE_HOME/socklab or ~/.cache/socklab. */
export function cacheDir(): string {
  if (process.env.SOCKLAB_CACHE) return resolve(process.env.SOCKLAB_CACHE);
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'socklab');
}

/**
 * A module file as stat(2) sees it, taken before its bytes are read: the
 * same identity later means the same bytes, as git's index assumes, because
 * any write changes ctime (which no user can set back) and the size or
 * mtime usually too. `racy`: the file changed so recently that a write right
 * after the read could leave the same timestamps (one tick of a coarse
 * filesystem clock), so it is not indexed yet.
 */
export interface FileIdentity {
  /** dev-ino: the entry's name, so a file rewritten in place replaces its own entry. */
  file: string;
  /** size, mtime and ctime in ns. */
  stamp: string;
  racy: boolean;
}

/** How recent a change must be for its file to wait: past a clock tick (ns timestamps), or two seconds where timestamps are whole seconds (ext3, FAT). */
const RACY_NS = 50_000_000n;
const RACY_COARSE_NS = 2_100_000_000n;

/** The identity of `path`, or undefined when it cannot be stat'ed (reading it then says why). */
export function fileIdentity(path: string): FileIdentity | undefined {
  const now = BigInt(Date.now()) * 1_000_000n;
  try {
    const s = statSync(path, { bigint: true });
    if (!s.isFile()) return undefined;
    const margin = s.ctimeNs % 1_000_000_000n === 0n ? RACY_COARSE_NS : RACY_NS;
    return { file: `${s.dev}-${s.ino}`, stamp: `${s.size} ${s.mtimeNs} ${s.ctimeNs}`, racy: s.ctimeNs > now - margin };
  } catch {
    return undefined;
  }
}

/** What the index holds for a file: its bytes' sha256, the cache key they and `params` made, and the native wasm-opt in that key (none: binaryen.js). */
export interface IndexEntry {
  hash: string;
  key: string;
  tool?: { path: string; id: string };
}

/** The index stays small: past this many entries, the oldest quarter goes (on a miss only). */
const INDEX_MAX = 1024;

/** FNV-1a, 32 bits: `params` in the entry's name (the entry holds them whole, so a collision is only a miss). */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const entryPath = (id: FileIdentity, params: string): string => join(cacheDir(), 'index', `${id.file}-${fnv(params)}`);

/** The entry for this file as it is now and these parameters, if the index has one. */
export function indexLookup(id: FileIdentity, params: string): IndexEntry | undefined {
  let text: string;
  try {
    text = readFileSync(entryPath(id, params), 'latin1');
  } catch {
    return undefined;
  }
  // "stamp\nhash\nkey\ntool path\ntool id\nparams"
  const f: string[] = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return undefined;
    f.push(text.slice(at, nl));
    at = nl + 1;
  }
  if (f[0] !== id.stamp || text.slice(at) !== params) return undefined;
  return { hash: f[1]!, key: f[2]!, ...(f[3] ? { tool: { path: f[3], id: f[4]! } } : {}) };
}

/** Records what a miss found (not for a racy identity); a read-only or full cache only costs the next run a hash. */
export function indexRecord(id: FileIdentity, params: string, entry: IndexEntry): void {
  if (id.racy) return;
  const file = entryPath(id, params);
  try {
    mkdirSync(join(cacheDir(), 'index'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${id.stamp}\n${entry.hash}\n${entry.key}\n${entry.tool?.path ?? ''}\n${entry.tool?.id ?? ''}\n${params}`, 'latin1');
    renameSync(tmp, file);
    prune(join(cacheDir(), 'index'));
  } catch {
    /* not recorded: the next run hashes the file again */
  }
}

function prune(dir: string): void {
  const names = readdirSync(dir);
  if (names.length <= INDEX_MAX) return;
  const aged = names.flatMap((n) => {
    try {
      return [{ n, t: statSync(join(dir, n)).mtimeMs }];
    } catch {
      return [];
    }
  });
  aged.sort((x, y) => x.t - y.t);
  for (const { n } of aged.slice(0, aged.length - (INDEX_MAX * 3) / 4)) {
    try {
      unlinkSync(join(dir, n));
    } catch {
      /* another process pruned it */
    }
  }
}
