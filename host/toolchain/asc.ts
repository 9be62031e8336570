// `socklab build prog.ts`: one AssemblyScript file to a WASI command module,
// with the options of the repository's asconfig.json (the WASI shim, the
// runtime, and guest/as on the package path so `import ... from "socklab"`
// resolves). Uses the programmatic API of the `assemblyscript` npm package.
import { mkdirSync, promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { packageRoot } from './clang.js';
import { readUserText, USER_FILE_LIMITS } from '../fs/userfile.js';

export interface BuildAsOptions {
  /** The .ts entry file. */
  source: string;
  /** The .wasm file to write (its directory is created). */
  out: string;
  /** Receives the compiler's warnings when the build succeeds (failures throw instead). */
  stderr?: (text: string) => void;
  /**
   * Untrusted sources (a grader's submission): the directories asc may read besides its own (socklab's
   * asconfig.json, guest/as, the WASI shim). An import of any other file (a relative or absolute path out of
   * the submission, a package in a node_modules above it) is "not found", as a missing file is.
   */
  visible?: string[];
}

/** The part of `assemblyscript/asc` used here (its own typings declare AssemblyScript's globals, so they stay out of the host). */
interface AscApi {
  main(
    argv: string[],
    options: {
      stdout?: MemoryStream;
      stderr?: MemoryStream;
      readFile?: (name: string, baseDir: string) => Promise<string | null>;
      writeFile?: (name: string, contents: Uint8Array | string, baseDir: string) => Promise<void>;
      listFiles?: (dirname: string, baseDir: string) => Promise<string[] | null>;
    },
  ): Promise<{ error: Error | null }>;
  createMemoryStream(): MemoryStream;
}
interface MemoryStream {
  toString(): string;
}

async function loadAsc(): Promise<AscApi> {
  const spec = 'assemblyscript/asc';
  try {
    return ((await import(spec)) as { default: AscApi }).default;
  } catch (e) {
    throw new Error(`cannot load the AssemblyScript compiler (npm install --save-dev assemblyscript @assemblyscript/wasi-shim): ${(e as Error).message}`);
  }
}

/** Compiles `source` into `out`; on failure throws an Error whose message is the compiler's diagnostics. */
export async function buildAs(opts: BuildAsOptions): Promise<void> {
  readUserText(resolve(opts.source), { maxBytes: USER_FILE_LIMITS.source, what: '' }); // a clear error for an entry file that is not a regular file
  const asc = await loadAsc();
  const root = packageRoot();
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  // The toolchain's own files: the config and what it names (the shim it extends, the socklab package's path).
  const own = [join(root, 'asconfig.json'), join(root, 'guest', 'as'), join(root, 'node_modules', '@assemblyscript', 'wasi-shim')];
  const readable = (p: string): boolean => !opts.visible || [...opts.visible, ...own].some((d) => {
    const r = relative(d, p);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  });
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  // asc's default file hooks join baseDir and name, which breaks absolute
  // names (config paths, --config of another directory): resolve instead.
  const { error } = await asc.main([resolve(opts.source), '--config', join(root, 'asconfig.json'), '--outFile', out, '--noColors'], {
    stdout,
    stderr,
    readFile: async (name, baseDir) => {
      const p = resolve(baseDir, name);
      if (!readable(p)) return null;
      try {
        // Regular files only, bounded: a FIFO or a device named by an import must not hang the compiler.
        return readUserText(p, { maxBytes: USER_FILE_LIMITS.source, what: '' });
      } catch {
        return null;
      }
    },
    writeFile: async (name, contents, baseDir) => {
      const p = resolve(baseDir, name);
      mkdirSync(dirname(p), { recursive: true });
      await fs.writeFile(p, contents);
    },
    listFiles: async (dir, baseDir) => {
      if (!readable(resolve(baseDir, dir))) return null;
      try {
        return (await fs.readdir(resolve(baseDir, dir))).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
      } catch {
        return null;
      }
    },
  });
  const diagnostics = stderr.toString();
  if (error) throw new Error(diagnostics.trim() || error.message);
  if (diagnostics.trim()) opts.stderr?.(diagnostics);
}
