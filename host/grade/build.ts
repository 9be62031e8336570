// Building what a test runs: the student's programs from the submission
// directory (a compile error is a result, with clang's message, not an
// exception), and the instructor's reference programs, built once per
// content and cached.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { GradeSpecError } from './load.js';
import { buildC, BuildError, findToolchain, type CompileLimits } from '../toolchain/clang.js';
import { buildAs } from '../toolchain/asc.js';
import { runAsc } from '../toolchain/limited.js';
import { ensureBuilt } from '../toolchain/guests.js';
import { cacheDir, ModuleError, readModuleFile, validateModule } from '../loader/module.js';
import { KNOWN_IMPORTS } from '../syscalls.js';
import { checkSources, visibleDirs } from './sourcecheck.js';
import { compileLimits } from './limits.js';
import type { GradingSpec, Language, ProgramSpec } from './spec.js';

export type BuildResult =
  | { ok: true; modules: Record<string, string> }
  | { ok: false; program: string; diagnostics: string; /** a source was refused (not a regular file, too large), not compiled */ unreadable?: true };

type Builder = (opts: { sources: string[]; out: string; flags?: string[]; stderr?: (s: string) => void; limits?: CompileLimits; visible?: string[] }) => Promise<void>;

/**
 * AssemblyScript: the first source is the entry file (it imports the others
 * and "socklab"); a compile error becomes a BuildError carrying asc's
 * diagnostics, as buildC reports clang's.
 */
const buildAssemblyScript: Builder = async ({ sources, out, stderr, visible, limits }) => {
  if (limits) {
    // In a child process, so that a compile bomb is stopped at the limits (limited.ts).
    const r = await runAsc({ source: sources[0]!, out, ...(visible ? { visible } : {}) }, limits);
    if (r.stop) throw new BuildError(r.stop.message, `${r.stop.message}\n`);
    if (r.error !== undefined) throw new BuildError('AssemblyScript compile error', r.error);
    if (!r.ok) throw new BuildError('AssemblyScript compile error', r.diagnostics ?? '');
    if (r.diagnostics?.trim()) stderr?.(r.diagnostics);
    return;
  }
  try {
    await buildAs({ source: sources[0]!, out, stderr, ...(visible ? { visible } : {}) });
  } catch (e) {
    throw new BuildError('AssemblyScript compile error', (e as Error).message);
  }
};

function builderFor(language: Language): Builder {
  return language === 'c' ? buildC : buildAssemblyScript;
}

/** Paths in diagnostics are shown relative to the submission: what the student knows them as. */
function relativise(text: string, dir: string): string {
  // clang names files by absolute path, asc relative to the working directory. Each form is replaced only
  // where a path starts (not inside a longer one: solution/ is inside /course/solution/, /tmp/x inside ../../tmp/x).
  const at = (s: string): RegExp => new RegExp(`(^|[\\s'"(:])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`, 'gm');
  const rel = relative(process.cwd(), dir);
  const out = text.replace(at(dir), '$1');
  return rel && !rel.startsWith('/') ? out.replace(at(rel), '$1') : out;
}

/**
 * A source the spec names that the submission lacks, said so the student can fix the hand-in (clang's
 * "no such file or directory" reads as their compile error): where a file of that name is, or what the
 * submission has instead. The most common cause is a folder around the files, or another file name.
 */
function missingSource(submissionDir: string, want: string): string {
  const files = (readdirSync(submissionDir, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => relative(submissionDir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
  const there = files.find((f) => basename(f) === basename(want));
  if (there) return `${want}: not in the submission, but ${there} is: hand it in as ${want}${want.includes('/') ? '' : ' (at the top level, not in a folder)'}`;
  const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? `, ... (${files.length} files)` : '');
  return `${want}: not in the submission (${files.length ? `it has ${shown}` : 'it is empty'}): the file must be named ${want}`;
}

/**
 * Whether the spec's compiles are light enough to run more of them at once than one per grading thread: with a
 * native clang (tenths of a second each). asc and @yowasp/clang load a compiler of their own in each child
 * (seconds of CPU, hundreds of MB), so those stay one at a time per thread, as their wall-time limit assumes.
 */
export function lightCompiles(spec: GradingSpec): boolean {
  return spec.language === 'c' && findToolchain().clang !== undefined;
}

/**
 * Builds every submission program into outDir; the result is that of building them in order and stopping at the
 * first that does not compile. The cheap checks (paths, refused and missing files) go in order first; then, with
 * a native clang, the programs' source checks and compiles, each a child process, run at once (a core is not left
 * idle while one compiler runs), and the first failure in order is the result. `built` is told of each program as soon as it is
 * built and validated (grading starts preparing it then).
 * `refused`: files of the submission that were not copied (copySubmission), by relative path -> why.
 */
export async function buildSubmission(spec: GradingSpec, submissionDir: string, outDir: string, refused?: ReadonlyMap<string, string>, built?: (program: string, path: string) => void): Promise<BuildResult> {
  const build = builderFor(spec.language);
  mkdirSync(outDir, { recursive: true });
  const limits = compileLimits(spec);
  const programs: [string, ProgramSpec, string[]][] = [];
  for (const [name, prog] of Object.entries(spec.programs)) {
    const sources = prog.sources.map((s) => (isAbsolute(s) ? s : join(submissionDir, s)));
    const escaped = sources.find((s) => relative(submissionDir, s).startsWith('..'));
    if (escaped) return { ok: false, program: name, diagnostics: `${basename(escaped)}: outside the submission\n` };
    const why = sources.map((s) => refused?.get(relative(submissionDir, s).split(sep).join('/'))).find((w) => w !== undefined);
    if (why) return { ok: false, program: name, diagnostics: `${why}\n`, unreadable: true };
    const missing = sources.find((s) => !existsSync(s));
    if (missing) return { ok: false, program: name, diagnostics: `${missingSource(submissionDir, relative(submissionDir, missing).split(sep).join('/'))}\n`, unreadable: true };
    programs.push([name, prog, sources]);
  }
  const one = async ([name, prog, sources]: [string, ProgramSpec, string[]]): Promise<BuildResult> => {
    const out = join(outDir, `${name}.wasm`);
    if (spec.language === 'c') {
      const refusal = await checkSources(submissionDir, sources, prog.flags, limits);
      if (refusal) return { ok: false, program: name, diagnostics: `${refusal}\n`, unreadable: true };
    }
    let diag = '';
    try {
      // What the compiler may read: the submission and the toolchain's own files (native clang: through an overlay).
      const visible = spec.language === 'c' ? visibleDirs(submissionDir, prog.flags) : [submissionDir];
      await build({ sources, out, flags: prog.flags, stderr: (s) => { diag += s; }, limits, ...(visible ? { visible } : {}) });
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      const text = diag || e.diagnostics || e.message;
      return { ok: false, program: name, diagnostics: relativise(text.endsWith('\n') ? text : `${text}\n`, submissionDir) };
    }
    // What the loader would refuse at every test's start (an import socklab does not provide, a module
    // too large to prepare) is the submission's link error, said once.
    try {
      validateModule(readModuleFile(out), `${name}.wasm`, KNOWN_IMPORTS, { fuel: spec.tests.some((t) => t.limits.cpu !== undefined) });
    } catch (e) {
      if (!(e instanceof ModuleError)) throw e;
      return { ok: false, program: name, diagnostics: `${e.message}\n` };
    }
    built?.(name, out);
    return { ok: true, modules: { [name]: out } };
  };
  // Every build settles before the result (none is left writing into outDir); an exception is the first in order.
  const atOnce = lightCompiles(spec);
  const results: PromiseSettledResult<BuildResult>[] = [];
  if (atOnce) results.push(...(await Promise.allSettled(programs.map(one))));
  else {
    for (const p of programs) {
      const r = await one(p);
      results.push({ status: 'fulfilled', value: r });
      if (!r.ok) break;
    }
  }
  const modules: Record<string, string> = {};
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason;
    if (!r.value.ok) return r.value;
    Object.assign(modules, r.value.modules);
  }
  return { ok: true, modules };
}

/** Builds (once per content, in the cache) the reference programs; copies them to outDir when given. */
export async function buildReference(spec: GradingSpec, outDir?: string): Promise<Record<string, string>> {
  const modules: Record<string, string> = {};
  for (const [name, prog] of Object.entries(spec.reference)) modules[name] = await buildProgram(prog, name, dirname(spec.file));
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    for (const [name, path] of Object.entries(modules)) {
      const dest = join(outDir, `ref-${name}.wasm`);
      copyFileSync(path, dest);
      modules[name] = dest;
    }
  }
  return modules;
}

/** A reference program that does not compile: the spec's mistake, said with the compiler's message (paths as in the spec). */
async function buildProgram(prog: ProgramSpec, name: string, specDir: string): Promise<string> {
  const key = createHash('sha256').update(prog.sources.join('\0')).update(prog.flags.join('\0')).digest('hex').slice(0, 16);
  let diag = '';
  try {
    return await ensureBuilt(prog.sources, join(cacheDir(), 'grade', `${name}-${key}.wasm`), prog.flags, (s) => { diag += s; });
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    const text = diag || e.diagnostics || e.message;
    throw new GradeSpecError(`the reference program ${name} does not compile:\n${relativise(text, specDir).replace(/\n$/, '')}`);
  }
}
