// The checks a test makes once its run is over, one function per kind (a
// table, so a new kind is one entry). A check returns nothing when it holds
// and a message when it does not; `process` globs may pick several processes.
import { existsSync, lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunOutcome, ProcessOutcome } from '../runner/run.js';
import { TraceAssertionError, type Trace } from '../trace/api.js';
import { callMatches } from '../trace/names.js';
import { cacheDir } from '../loader/module.js';
import { fileKind, readUserText, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';
import { describeDifference, quoted, tail } from './feedback.js';
import { nameMatcher } from './load.js';
import type { Check, TestSpec, TextMatch } from './spec.js';

/** What a check (and a TypeScript check function) sees of a finished run. */
export interface CheckContext {
  test: TestSpec;
  seed: number;
  outcome: RunOutcome;
  trace: Trace;
  /** Processes whose name matches a glob (`*` wildcard). */
  processes(pattern: string): ProcessOutcome[];
  /** Host directory behind the test's files_dir on a virtual host. */
  filesDir(host: string): string | undefined;
}

/** A check function in a spec: return (or throw) a message to fail the test. */
export type CheckFunction = (ctx: CheckContext) => string | void | undefined | Promise<string | void | undefined>;

export interface CheckFailure {
  check: Check;
  /** The process the failure is about, for the trace excerpt. */
  pid?: number;
  message: string;
}

const who = (p: ProcessOutcome): string => `${p.name} (pid ${p.pid})`;

/** Normalised text: Unix newlines, no trailing spaces, no trailing blank lines. */
export function normalize(s: string): string {
  return s.replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/[ \t]+$/, '')).join('\n').replace(/\n+$/, '');
}

/** undefined when `text` matches, else what is wrong. */
export function matchText(m: TextMatch, text: string, what: string): string | undefined {
  if ('exact' in m) return text === m.exact ? undefined : `${what} is not what was expected\n${describeDifference(m.exact, text)}`;
  if ('normalized' in m) {
    const [a, b] = [normalize(m.normalized), normalize(text)];
    return a === b ? undefined : `${what} is not what was expected (ignoring trailing spaces and blank lines)\n${describeDifference(a, b)}`;
  }
  if ('regex' in m) return new RegExp(m.regex, m.flags ?? '').test(text) ? undefined : `${what} does not match /${m.regex}/${m.flags ?? ''}\n  got: ${quoted(text)}`;
  return text.includes(m.contains) ? undefined : `${what} does not contain ${quoted(m.contains)}\n  got: ${quoted(text)}`;
}

function describeExit(p: ProcessOutcome): string {
  const e = p.exit;
  if (e.code !== undefined && !e.signal) return `exited with ${e.code}`;
  // The kernel's reason starts with the signal again ("killed by SIGSEGV: wasm trap: ..."): say it once.
  const reason = e.signal && e.reason?.startsWith(`killed by ${e.signal}`) ? e.reason.slice(`killed by ${e.signal}`.length).replace(/^:\s*/, '') : e.reason;
  return `was killed by ${e.signal ?? 'a signal'}${reason ? ` (${reason})` : ''}`;
}

/** A file check reads at most this much of a guest's file. */
export const MAX_CHECKED_FILE = USER_FILE_LIMITS.source;

/**
 * Finds a file the guest left under files_dir without following any host
 * symlink the guest planted: every directory on the way is lstat'ed (a
 * symlink there is refused), and the file itself is opened with O_NOFOLLOW.
 * The guest has ended, so nothing changes under us.
 */
function guestFile(dir: string, rel: string): { there: false } | { there: true; path: string } | { there: true; refused: string } {
  const parts = rel.split(sep).filter(Boolean);
  let at = dir;
  for (let i = 0; i < parts.length; i++) {
    at = join(at, parts[i]!);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      return { there: false };
    }
    if (i === parts.length - 1) return st.isFile() ? { there: true, path: at } : { there: true, refused: `not a regular file (${fileKind(st)})` };
    if (!st.isDirectory()) return st.isSymbolicLink() ? { there: true, refused: `${parts.slice(0, i + 1).join('/')} is not a directory (a symbolic link)` } : { there: false };
  }
  return { there: false };
}

type Runner<K extends Check['kind']> = (c: Extract<Check, { kind: K }>, ctx: CheckContext) => Promise<CheckFailure[]> | CheckFailure[];

/** Runs `one` on every process the check names. */
const perProcess = <K extends Check['kind']>(one: (c: Extract<Check, { kind: K }>, p: ProcessOutcome, ctx: CheckContext) => string | undefined): Runner<K> =>
  (c, ctx) => ctx.processes(c.process!).flatMap((p) => {
    const m = one(c, p, ctx);
    return m === undefined ? [] : [{ check: c, pid: p.pid, message: m }];
  });

/** Lines of a list shown in a check's message: a server that leaks every connection leaks the same way each time. */
const LISTED = 5;

/** The message's first LISTED lines of a list ("  fd 4, from ..."), then how many more. */
function listedBriefly(message: string): string {
  const [head, ...items] = message.split('\n');
  if (items.length <= LISTED + 1) return message;
  return [head, ...items.slice(0, LISTED), `  ... ${items.length - LISTED} more`].join('\n');
}

const traceAssert = (c: Extract<Check, { kind: 'trace' }>, p: ProcessOutcome, ctx: CheckContext): string | undefined => {
  const a = c.assert;
  const events = ctx.trace.events({ pid: p.pid });
  try {
    if ('sequence' in a) ctx.trace.expectSequence(p.pid, a.sequence);
    else if ('all_accepted_closed' in a) ctx.trace.expectAllAcceptedClosed(p.pid);
    else if ('no_fd_leak' in a) ctx.trace.expectNoFdLeak(p.pid);
    else if ('before' in a) {
      const [x, y] = a.before;
      const ix = events.findIndex((e) => callMatches(e.call, x));
      const iy = events.findIndex((e) => callMatches(e.call, y));
      if (ix < 0 || iy < 0 || ix > iy) return `${who(p)} should call ${x} before ${y}: ${ix < 0 ? `it never called ${x}` : iy < 0 ? `it never called ${y}` : `its first ${y} came before its first ${x}`}`;
    } else if ('uses' in a) {
      if (!events.some((e) => e.args.some((arg) => arg.includes(a.uses)))) return `${who(p)} never used ${a.uses} (no call's arguments mention it)`;
    } else {
      const n = events.filter((e) => callMatches(e.call, a.call)).length;
      if (a.min !== undefined && n < a.min) return `${who(p)} called ${a.call} ${n} time(s), expected at least ${a.min}`;
      if (a.max !== undefined && n > a.max) return `${who(p)} called ${a.call} ${n} time(s), expected at most ${a.max}`;
      if (a.min === undefined && a.max === undefined && n === 0) return `${who(p)} never called ${a.call}`;
    }
  } catch (e) {
    if (e instanceof TraceAssertionError) return `${who(p)}: ${listedBriefly(e.message.replace(`pid ${p.pid} `, ''))}`;
    throw e;
  }
  return undefined;
};

const CHECKS: { [K in Check['kind']]: Runner<K> } = {
  exit: perProcess<'exit'>((c, p) => {
    const want = c.exit;
    const ok = typeof want === 'number' ? p.exit.code === want && !p.exit.signal : p.exit.signal === want;
    if (ok) return undefined;
    const stderr = p.stderr ? `\n  its stderr ended with:\n${tail(p.stderr)}` : '';
    return `${who(p)} ${describeExit(p)}, expected ${typeof want === 'number' ? `exit status ${want}` : `to be killed by ${want}`}${stderr}`;
  }),
  stdout: perProcess<'stdout'>((c, p) => matchText(c.match, p.stdout, `${who(p)}: stdout`)),
  stderr: perProcess<'stderr'>((c, p) => matchText(c.match, p.stderr, `${who(p)}: stderr`)),
  file: perProcess<'file'>((c, p, ctx) => {
    const dir = ctx.filesDir(p.host);
    if (!dir) return `no files_dir on host ${p.host}`;
    const found = guestFile(dir, relative(ctx.test.filesDir!, c.path));
    if (!c.exists) return found.there ? `${c.path} should not exist after the run, but ${p.name} left it` : undefined;
    if (!found.there) return `${who(p)} left no file ${c.path}`;
    if ('refused' in found) return `${who(p)}: ${c.path}: ${found.refused}`;
    if (!c.match) return undefined;
    let text: string;
    try {
      text = readUserText(found.path, { maxBytes: MAX_CHECKED_FILE, what: '', noFollow: true });
    } catch (e) {
      if (e instanceof UserFileError) return `${who(p)}: ${c.path}: ${e.reason}`;
      throw e;
    }
    return matchText(c.match, text, `${c.path}`);
  }),
  trace: perProcess<'trace'>(traceAssert),
  function: async (c, ctx) => {
    const f = await loadCheckFunction(c.module, c.name);
    let m: string | void | undefined;
    try {
      m = await f(ctx);
    } catch (e) {
      m = e instanceof Error ? e.message : String(e);
    }
    return typeof m === 'string' && m ? [{ check: c, message: m }] : [];
  },
};

/** Runs every check of a test; the custom message replaces the generated one where the spec gives one. */
export async function runChecks(checks: readonly Check[], ctx: CheckContext): Promise<CheckFailure[]> {
  const out: CheckFailure[] = [];
  for (const c of checks) {
    const fails = await (CHECKS[c.kind] as Runner<Check['kind']>)(c as never, ctx);
    out.push(...fails.map((f) => (c.message ? { ...f, message: `${c.message}\n  (${f.message.split('\n')[0]})` } : f)));
  }
  return out;
}

export function checkContext(test: TestSpec, seed: number, outcome: RunOutcome, trace: Trace, filesDirs: Record<string, string>): CheckContext {
  return {
    test, seed, outcome, trace,
    processes: (pattern) => outcome.processes.filter((p) => nameMatcher(pattern)(p.name)),
    filesDir: (host) => filesDirs[host],
  };
}

const loaded = new Map<string, Promise<CheckFunction>>();

/** A check function, imported once per thread (tests running at once share the import). */
function loadCheckFunction(path: string, name: string): Promise<CheckFunction> {
  const k = `${path}#${name}`;
  let p = loaded.get(k);
  if (!p) {
    p = importCheckFunction(path, name);
    loaded.set(k, p);
    p.catch(() => loaded.delete(k));
  }
  return p;
}

/**
 * Imports a check module: JavaScript as is; TypeScript transpiled by the
 * typescript package into the cache, keyed by the source's content, so a
 * module transpiled once (by any thread or process) is imported from there
 * without loading TypeScript again (its load is most of a second).
 */
async function importCheckFunction(path: string, name: string): Promise<CheckFunction> {
  let url = pathToFileURL(path).href;
  if (/\.m?ts$/.test(path)) {
    const src = readUserText(path, { maxBytes: USER_FILE_LIMITS.source, what: 'check module' });
    const dir = join(cacheDir(), 'grade-checks');
    const out = join(dir, `${createHash('sha256').update('socklab check, ESNext/ES2022\0').update(src).digest('hex').slice(0, 32)}.mjs`);
    if (!existsSync(out)) {
      const ts = (await import('typescript').catch(() => undefined)) as { default?: typeof import('typescript') } | undefined;
      if (!ts?.default) throw new Error(`${path}: TypeScript checks need the "typescript" package installed (or give a .js/.mjs file)`);
      const js = ts.default.transpileModule(src, { compilerOptions: { module: ts.default.ModuleKind.ESNext, target: ts.default.ScriptTarget.ES2022 } }).outputText;
      mkdirSync(dir, { recursive: true });
      // Whole or not at all: another thread may import it the moment it exists.
      const tmp = `${out}.${process.pid}.${threadId}.tmp`;
      writeFileSync(tmp, js);
      renameSync(tmp, out);
    }
    url = pathToFileURL(out).href;
  }
  const mod = (await import(url)) as Record<string, unknown>;
  const f = mod[name];
  if (typeof f !== 'function') throw new Error(`${path} exports no function ${name}`);
  return f as CheckFunction;
}
