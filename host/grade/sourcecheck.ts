// A submission's C sources are untrusted input to the compiler, and a native
// clang reads whatever host file they name: `#include "/etc/passwd"` puts its
// lines in the diagnostics the student sees, and inline assembly's
// `.incbin "/path"` (or `.include`) puts a file's bytes in the module, which
// the program then prints. So, before a native build, each source is
// preprocessed and every file the preprocessor entered must be inside the
// submission or on the compiler's own include path; lines of the submission
// may hold no inline assembly, no line markers (which would disguise its lines
// as a system header's) and no #embed. The preprocessor's diagnostics are
// never shown: they could quote the file refused. (@yowasp/clang needs none
// of this: it sees only the virtual tree it is given.)
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { findToolchain, packageRoot, withOverlay, type CompileLimits, type Toolchain } from '../toolchain/clang.js';
import { runNative } from '../toolchain/limited.js';

/** Bounds of the preprocessing step: it runs on untrusted input (macro bombs); time and memory are the compile's. */
const PREPROCESS = { timeoutMs: 60_000, maxBytes: 64 << 20 };

/** The directories the compiler searches for <...> headers (its own and the SDK's), once per toolchain and flags. */
const searchMemo = new Map<string, string[]>();

/** The SDK's include directory and compile flags, as buildC passes them (guest/c/sdk.json). */
function sdkArgs(): string[] {
  const root = packageRoot();
  const r = JSON.parse(readFileSync(join(root, 'guest', 'c', 'sdk.json'), 'utf8')) as { includeDir: string; cflags?: string[] };
  return ['-isystem', join(root, r.includeDir), ...(r.cflags ?? [])];
}

function baseArgs(tc: Toolchain, flags: readonly string[]): string[] {
  return [`--target=${tc.target}`, ...tc.sysroot, ...sdkArgs(), ...flags];
}

function real(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function searchDirs(tc: Toolchain, flags: readonly string[]): string[] {
  const key = `${tc.id}\0${flags.join('\0')}`;
  let dirs = searchMemo.get(key);
  if (dirs) return dirs;
  const r = spawnSync(tc.clang!, [...baseArgs(tc, flags), '-E', '-v', '-x', 'c', '-', '-o', '-'], { input: '', encoding: 'utf8', timeout: PREPROCESS.timeoutMs });
  dirs = [];
  let on = false;
  for (const line of (r.stderr ?? '').split('\n')) {
    if (/search starts here:/.test(line)) on = true;
    else if (/^End of search list/.test(line)) on = false;
    else if (on && line.startsWith(' ')) {
      // As clang names it (the overlay matches that path) and as it really is (for the check below).
      const named = line.trim().replace(/ \(framework directory\)$/, '');
      const d = real(named);
      if (d) dirs.push(d, named);
    }
  }
  searchMemo.set(key, dirs);
  return dirs;
}

const inside = (dir: string, p: string): boolean => {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** The text with line splices joined and comments blanked (strings and character constants kept). */
function withoutComments(text: string): string {
  const s = text.replace(/\\\r?\n/g, '');
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 2;
      out += ' ';
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const DIRECTIVE = /^[ \t]*(?:#|%:)[ \t]*(\d|line\b|embed\b)/m;
const ASM = /(?<![\w$])(?:asm|__asm|__asm__)(?![\w$])/;

/** Strips string literals and character constants from one line of preprocessed C (so `"asm"` is not asm). */
const codeOnly = (line: string): string => line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');

/**
 * The directories a native compile of a submission may see: the submission (as named, and really) and the
 * compiler's search directories (its own headers, the sysroot's, the SDK's). Undefined for @yowasp/clang.
 */
export function visibleDirs(dir: string, flags: readonly string[]): string[] | undefined {
  const tc = findToolchain();
  if (!tc.clang) return undefined;
  return [...new Set([dir, real(dir) ?? dir, ...searchDirs(tc, flags)])];
}

/**
 * Checks the sources of one program (absolute paths in the submission copy `dir`).
 * Returns a one-line reason naming the source as the student knows it, or undefined when it may be compiled.
 */
export async function checkSources(dir: string, sources: readonly string[], flags: readonly string[], limits: CompileLimits): Promise<string | undefined> {
  const tc = findToolchain();
  if (!tc.clang) return undefined; // @yowasp/clang: a virtual tree of the submission, the SDK and its sysroot only
  const root = real(dir) ?? dir;
  const allowed = [root, ...searchDirs(tc, flags)];
  const show = (p: string): string => (inside(root, p) ? relative(root, p).split(sep).join('/') : p);
  const scanned = new Set<string>();
  for (const src of sources) {
    const name = show(real(src) ?? src);
    // Through the same overlay as the compile: what it cannot see, preprocessing does not either.
    const r = await withOverlay(visibleDirs(dir, flags), (vfs) =>
      runNative(tc.clang!, ['-fno-crash-diagnostics', ...vfs, ...baseArgs(tc, flags), '-E', src, '-o', '-'], limits, { cwd: dirname(src), stdout: true, maxBytes: PREPROCESS.maxBytes }));
    if (r.stop) return `${name}: ${r.stop.message.replace(/^compile/, 'preprocessing it')}`;
    // Whose lines these are: line markers' flag 1 enters a file, 2 returns to the includer.
    const stack: string[] = [];
    let owner = '';
    for (const line of (r.stdout ?? '').split('\n')) {
      const m = /^# \d+ "((?:[^"\\]|\\.)*)"((?: \d)*)$/.exec(line);
      if (m) {
        const file = m[1]!.replace(/\\(.)/g, '$1');
        const fl = m[2]!.trim().split(' ');
        if (file.startsWith('<')) continue; // <built-in>, <command line>
        const abs = real(isAbsolute(file) ? file : join(dirname(src), file));
        if (!abs || !allowed.some((d) => inside(d, abs))) return `${name}: includes ${abs ?? file}, which is outside the submission (a submission may include only its own files and the system's headers)`;
        if (fl.includes('1')) { stack.push(owner); owner = abs; }
        else if (fl.includes('2')) owner = stack.pop() ?? abs;
        else owner = abs;
        if (inside(root, abs) && !scanned.has(abs)) {
          scanned.add(abs);
          const d = DIRECTIVE.exec(withoutComments(readFileSync(abs, 'latin1')));
          if (d) return `${show(abs)}: #${d[1] === 'embed' ? 'embed' : 'line and line markers'} not allowed in a submission`;
        }
        continue;
      }
      if (owner && inside(root, owner) && ASM.test(codeOnly(line))) return `${show(owner)}: inline assembly (asm) is not allowed in a submission`;
    }
  }
  return undefined;
}
