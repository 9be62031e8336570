// Grading specs: YAML (or JSON) checked against docs/grading.schema.json and
// against what the schema cannot say (programs named by processes exist,
// one kind per check, file checks have a files_dir, ...). Every problem is
// reported with its file and line, the way scenario files are.
import { CallNameError, traceNames } from '../trace/names.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileKind, readUserText, sizeText, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import { LineCounter, parseDocument, type Document } from 'yaml';
import AjvModule from 'ajv';
import { editDistance } from '../nearest.js';
import { packageRoot } from '../toolchain/clang.js';
import { durationMs } from '../scenario/load.js';
import { parseCount, parseSize } from '../units.js';
import type { Check, GradingSpec, Limits, ProcessDecl, ProgramSpec, TestSpec, TextMatch, TraceAssertion, Visibility } from './spec.js';

export class GradeSpecError extends Error {}

type AjvCtor = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as AjvCtor;
type Validator = ReturnType<InstanceType<AjvCtor>['compile']>;
let validators: { spec: Validator; tests: Validator } | undefined;

function schemas(): { spec: Validator; tests: Validator } {
  if (!validators) {
    const docs = join(packageRoot(), 'docs');
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    ajv.addFormat('ipv4', { validate: (s: string) => isIPv4(s) });
    ajv.addFormat('ipv6', { validate: (s: string) => isIPv6(s) });
    ajv.addSchema(JSON.parse(readFileSync(join(docs, 'scenario.schema.json'), 'utf8')) as object);
    ajv.addSchema(JSON.parse(readFileSync(join(docs, 'grading.schema.json'), 'utf8')) as object);
    const id = 'https://socklab.dev/schema/grading-v1.json';
    validators = { spec: ajv.getSchema(id)!, tests: ajv.getSchema(`${id}#/definitions/testsFile`)! };
  }
  return validators;
}

/** A parsed YAML file that can say which line a JSON pointer is on. */
interface Source {
  path: string;
  data: unknown;
  line(ptr: string): number;
}

function readSource(path: string, shown: string): Source {
  let text: string;
  try {
    text = readUserText(path, { maxBytes: USER_FILE_LIMITS.yaml, what: '' });
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    throw new GradeSpecError(`${shown}: ${e.problem === 'missing' || e.problem === 'unreadable' ? 'cannot read the file' : e.reason}`);
  }
  const lc = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new GradeSpecError(`${shown}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`);
  }
  const line = (ptr: string): number => {
    const keys = ptr.split('/').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    for (let n = keys.length; n >= 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number] } | undefined;
      if (node?.range) return lc.linePos(node.range[0]).line;
    }
    return 1;
  };
  return { path: shown, data: doc.toJS() as unknown, line };
}

/** What a value matching a schema pattern looks like, in the words scenario files use (host/scenario/load.ts). */
const PATTERN_TEXT: [RegExp, string][] = [
  [/\(ns\|us\|ms\|s\|m\|h\)/, 'a duration (10, 2.5s, 500ms; a bare number is seconds)'],
  [/\[kKmMgG\]\?\(i\?/, 'a size (4096, 512K, 64M; a bare number is bytes)'],
  [/\[kKmMgG\]\?\$/, 'a count (5000000, 200M)'],
  [/imsu/, 'regex flags among i, m, s, u'],
  [/#\[A-Za-z/, 'MODULE#EXPORT (checks.ts#myCheck)'],
  [/^\^\/\.\+$/, 'an absolute guest path (/out)'],
];

const TYPE_TEXT: Record<string, string> = { string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'nothing' };
const types = (t: string | string[]): string => [...new Set([t].flat())].map((x) => TYPE_TEXT[x] ?? x).join(' or ');

/** The allowed word closest to a mistyped one, within 2 edits (more for a long word). */
function closest(word: string, words: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const w of words) {
    const d = editDistance(word.toLowerCase(), w.toLowerCase());
    if (d < bestD) [best, bestD] = [w, d];
  }
  return best;
}

/**
 * The schema's complaints as an instructor can act on them: one line per
 * problem, on the line of the field at fault, saying what to write instead
 * (the field meant, the values allowed, what a duration looks like) rather
 * than JSON Schema's words ("must match pattern ^[0-9.]+...", "must be equal
 * to one of the allowed values"), and without the echo a oneOf makes of each
 * of its branches.
 */
function schemaProblems(src: Source, v: Validator): string[] {
  if (v(src.data)) return [];
  const errors = v.errors ?? [];
  const got = (x: unknown): string => JSON.stringify(x) ?? String(x);
  // An unknown field that is a misspelling of a missing required one is said once, as the misspelling.
  const meant = new Set<string>();
  const out: { ptr: string; text: string }[] = [];
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const name = (e.params as { additionalProperty: string }).additionalProperty;
    const props = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const guess = closest(name, props);
    if (guess) meant.add(`${e.instancePath}/${guess}`);
    out.push({
      ptr: `${e.instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      text: `${e.instancePath || '(top level)'}: unknown field "${name}"${guess ? ` (did you mean ${guess}?)` : props.length ? ` (fields: ${props.join(', ')})` : ''}`,
    });
  }
  // Where a oneOf/anyOf failed, its branches' errors are summed up in one line, or left to the branch the value fits.
  const alternatives = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    const field = e.instancePath || '(top level)';
    const p = e.params as Record<string, unknown>;
    let text: string;
    if (e.keyword === 'additionalProperties') continue;
    if (alternatives.has(e.instancePath) && ['type', 'oneOf', 'anyOf'].includes(e.keyword)) {
      if (e.keyword === 'type') continue;
      const fits = errors.some((x) => (x.instancePath === e.instancePath && !['type', 'oneOf', 'anyOf'].includes(x.keyword)) || x.instancePath.startsWith(`${e.instancePath}/`));
      if (fits) continue;
      const expected = errors.filter((x) => x.instancePath === e.instancePath && x.keyword === 'type').flatMap((x) => [(x.params as { type: string | string[] }).type].flat());
      text = expected.length ? `expected ${types(expected)}, got ${got(e.data)}` : `${e.message}`;
    } else if (e.keyword === 'required') {
      const missing = p.missingProperty as string;
      if (meant.has(`${e.instancePath}/${missing}`)) continue;
      text = `missing field "${missing}"`;
    } else if (e.keyword === 'enum') {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      text = `expected ${allowed.join(', ')}; got ${got(e.data)}${guess ? ` (did you mean ${guess}?)` : ''}`;
    } else if (e.keyword === 'pattern') {
      const like = PATTERN_TEXT.find(([re]) => re.test(p.pattern as string))?.[1];
      text = `expected ${like ?? `text matching ${p.pattern as string}`}, got ${got(e.data)}`;
    } else if (e.keyword === 'type') text = `expected ${types(p.type as string | string[])}, got ${got(e.data)}`;
    // ajv's "must NOT have fewer than 1 items" in the same form as the other lines: what is expected, what was given.
    else if (e.keyword === 'minItems' || e.keyword === 'maxItems') text = `expected ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${p.limit as number} item(s), got ${Array.isArray(e.data) ? e.data.length || 'none' : got(e.data)}`;
    else if (e.keyword === 'minimum' || e.keyword === 'maximum') text = `expected a number ${p.comparison as string} ${p.limit as number}, got ${got(e.data)}`;
    else text = e.message ?? e.keyword;
    out.push({ ptr: e.instancePath, text: `${field}: ${text}` });
  }
  const lines = out.map((o) => ({ line: src.line(o.ptr), text: o.text }));
  lines.sort((x, y) => x.line - y.line);
  return [...new Set(lines.map((l) => `${src.path}:${l.line}: ${l.text}`))];
}

// The YAML shapes, as the schema admits them.
type Match = string | { exact?: string; normalized?: string; regex?: string; flags?: string; contains?: string };
interface RawCheck {
  process?: string; message?: string; exit?: number | string; stdout?: Match; stderr?: Match;
  file?: string; exists?: boolean; contents?: Match; function?: string;
  trace?: { sequence?: string[]; before?: [string, string]; all_accepted_closed?: true; no_fd_leak?: true; uses?: string; call?: string; min?: number; max?: number };
}
interface RawLimits { time?: string | number; virtual_time?: string | number; cpu?: string | number; memory?: string | number; output?: string | number; fds?: number; processes?: number; sockets?: number }
interface RawProcess { name?: string; program?: string; reference?: string; host?: string; args?: (string | number)[]; env?: Record<string, string | number>; stdin?: string; start?: string | number; count?: number; service?: boolean }
interface RawTest {
  name: string; description?: string; points: number; partial_credit?: boolean; visibility?: Visibility; tags?: string[]; seeds?: number[];
  hosts?: { name: string }[]; links?: unknown[]; partitions?: unknown[]; processes: RawProcess[]; inject?: string[];
  limits?: RawLimits; files_dir?: string; checks: RawCheck[];
}
interface RawSpec {
  assignment: string;
  submission: { language?: 'c' | 'assemblyscript'; flags?: string[]; programs: Record<string, { sources: string[]; flags?: string[] }> };
  reference?: Record<string, { sources: string[]; flags?: string[] }>;
  solution?: string;
  limits?: RawLimits;
  submission_limits?: { time?: string | number; compile_time?: string | number; compile_memory?: string | number };
  seeds?: number[];
  gradescope?: { visibility?: Visibility; stdout_visibility?: Visibility };
  include?: string[];
  tests?: RawTest[];
}

/** What every test gets unless the spec says otherwise: generous, but a runaway guest stops. */
export const DEFAULT_LIMITS: Limits = { timeMs: 10_000, virtualTimeMs: 300_000, memory: 64 << 20, output: 1 << 20, fds: 64, processes: 64 };

function limitsOf(raw: RawLimits | undefined): Limits {
  if (!raw) return {};
  const size = (v: string | number | undefined): number | undefined => (v === undefined ? undefined : parseSize(String(v)));
  const dur = (v: string | number | undefined): number | undefined => (v === undefined ? undefined : durationMs(v));
  const l: Limits = {
    timeMs: dur(raw.time), virtualTimeMs: dur(raw.virtual_time), memory: size(raw.memory), output: size(raw.output),
    fds: raw.fds, processes: raw.processes, sockets: raw.sockets, cpu: raw.cpu === undefined ? undefined : parseCount(String(raw.cpu)),
  };
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as Limits;
}

function matchOf(m: Match): TextMatch {
  if (typeof m === 'string') return { exact: m };
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.normalized !== undefined) return { normalized: m.normalized };
  if (m.regex !== undefined) return { regex: m.regex, ...(m.flags ? { flags: m.flags } : {}) };
  return { contains: m.contains ?? '' };
}

const CHECK_KINDS = ['exit', 'stdout', 'stderr', 'file', 'trace', 'function'] as const;
const TRACE_KINDS = ['sequence', 'before', 'all_accepted_closed', 'no_fd_leak', 'uses', 'call'] as const;

/** Glob with `*` as the only wildcard, for process names in checks. */
export function nameMatcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (n) => re.test(n);
}

/** Names the processes of a test will have (count expands {i}, as scenario files do). */
export function processNames(procs: readonly ProcessDecl[]): string[] {
  return procs.flatMap((p) => Array.from({ length: p.count ?? 1 }, (_, i) => p.name.replaceAll('{i}', String(i + 1))));
}

/** Why a file the spec names cannot be a source (missing, not a regular file, too large), or undefined. */
function sourceProblem(path: string, shown = path): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return `no such file ${shown}`;
  }
  if (!st.isFile()) return `${shown}: not a regular file (${fileKind(st)})`;
  if (st.size > USER_FILE_LIMITS.source) return `${shown}: larger than ${sizeText(USER_FILE_LIMITS.source)}, the limit`;
  return undefined;
}

/** Loads, validates and resolves a grading spec. */
export function loadGradingSpec(path: string): GradingSpec {
  const file = resolve(path);
  const dir = dirname(file);
  const main = readSource(file, path);
  const v = schemas();
  const problems = schemaProblems(main, v.spec);
  if (problems.length) throw new GradeSpecError(`invalid grading spec:\n  ${problems.join('\n  ')}`);
  const raw = main.data as RawSpec;

  const testSources: { src: Source; base: string; dir: string; tests: RawTest[] }[] = [{ src: main, base: '/tests', dir, tests: raw.tests ?? [] }];
  for (const inc of raw.include ?? []) {
    const abs = isAbsolute(inc) ? inc : join(dir, inc);
    const src = readSource(abs, inc);
    const p = schemaProblems(src, v.tests);
    if (p.length) throw new GradeSpecError(`invalid grading spec:\n  ${p.join('\n  ')}`);
    testSources.push({ src, base: '/tests', dir: dirname(abs), tests: (src.data as { tests: RawTest[] }).tests });
  }

  const flags = raw.submission.flags ?? [];
  const programs: Record<string, ProgramSpec> = {};
  for (const [n, p] of Object.entries(raw.submission.programs)) programs[n] = { sources: p.sources, flags: [...flags, ...(p.flags ?? [])] };
  const reference: Record<string, ProgramSpec> = {};
  for (const [n, p] of Object.entries(raw.reference ?? {})) {
    reference[n] = { sources: p.sources.map((s) => (isAbsolute(s) ? s : join(dir, s))), flags: p.flags ?? [] };
    for (const s of reference[n]!.sources) {
      const bad = sourceProblem(s);
      if (bad) problems.push(`${main.path}:${main.line(`/reference/${n}`)}: reference ${n}: ${bad}`);
    }
  }
  const defaults: Limits = { ...DEFAULT_LIMITS, ...limitsOf(raw.limits) };
  const seeds = raw.seeds ?? [1];

  const tests: TestSpec[] = [];
  const names = new Set<string>();
  for (const { src, base, dir: srcDir, tests: rawTests } of testSources) {
    rawTests.forEach((t, ti) => {
      const at = (ptr: string): string => `${src.path}:${src.line(`${base}/${ti}${ptr}`)}`;
      if (names.has(t.name)) problems.push(`${at('/name')}: a test named "${t.name}" already exists`);
      names.add(t.name);
      const limits: Limits = { ...defaults, ...limitsOf(t.limits) };
      const hostNames = new Set((t.hosts ?? [{ name: 'host1' }]).map((h) => h.name));
      const processes: ProcessDecl[] = t.processes.map((p, pi) => {
        const ptr = `/processes/${pi}`;
        if ((p.program === undefined) === (p.reference === undefined)) problems.push(`${at(ptr)}: a process runs either a program (the submission's) or a reference program`);
        // A name of the other kind is the likely mistake: say which key to write.
        if (p.program !== undefined && !programs[p.program]) problems.push(`${at(ptr)}: no submission program "${p.program}" (programs: ${Object.keys(programs).join(', ')})${reference[p.program] ? `; ${p.program} is a reference program: write reference: ${p.program}` : ''}`);
        if (p.reference !== undefined && !reference[p.reference]) problems.push(`${at(ptr)}: no reference program "${p.reference}" (reference: ${Object.keys(reference).join(', ') || 'none'})${programs[p.reference] ? `; ${p.reference} is a submission program: write program: ${p.reference}` : ''}`);
        if (p.host !== undefined && !hostNames.has(p.host)) problems.push(`${at(ptr)}: no host named "${p.host}" (hosts: ${[...hostNames].join(', ')})`);
        return {
          name: p.name ?? p.program ?? p.reference ?? `process${pi + 1}`,
          ...(p.program !== undefined ? { program: p.program } : { reference: p.reference }),
          ...(p.host !== undefined ? { host: p.host } : {}),
          args: (p.args ?? []).map(String),
          env: Object.fromEntries(Object.entries(p.env ?? {}).map(([k, val]) => [k, String(val)])),
          ...(p.stdin !== undefined ? { stdin: p.stdin } : {}),
          ...(p.start !== undefined ? { start: p.start } : {}),
          ...(p.count !== undefined ? { count: p.count } : {}),
          ...(p.service ? { service: true } : {}),
        };
      });
      const procNames = processNames(processes);
      if (limits.processes !== undefined && procNames.length > limits.processes) {
        problems.push(`${at('/processes')}: ${procNames.length} processes, more than the limit of ${limits.processes} (limits.processes); give this test its own: limits: { processes: ${procNames.length} }`);
      }
      const firstStudent = processes.find((p) => p.program !== undefined)?.name.replaceAll('{i}', '1');
      const checks: Check[] = [];
      t.checks.forEach((c, ci) => {
        const ptr = `/checks/${ci}`;
        const line = src.line(`${base}/${ti}${ptr}`);
        const kinds = CHECK_KINDS.filter((k) => c[k] !== undefined);
        if (kinds.length !== 1) {
          problems.push(`${at(ptr)}: a check has exactly one of ${CHECK_KINDS.join(', ')}${kinds.length ? ` (this one has ${kinds.join(', ')})` : ''}`);
          return;
        }
        const kind = kinds[0]!;
        if (kind !== 'file' && (c.exists !== undefined || c.contents !== undefined)) problems.push(`${at(ptr)}: exists and contents go with file`);
        const process = c.process ?? firstStudent;
        if (kind !== 'function' && process === undefined) problems.push(`${at(ptr)}: say which process (no submission program runs in this test)`);
        if (process !== undefined && !procNames.some(nameMatcher(process))) problems.push(`${at(ptr)}: no process named "${process}" (processes: ${procNames.join(', ')})`);
        const common = { line, ...(c.message !== undefined ? { message: c.message } : {}), ...(process !== undefined ? { process } : {}) };
        if (kind === 'exit') checks.push({ ...common, kind, exit: c.exit! });
        else if (kind === 'stdout') checks.push({ ...common, kind, match: matchOf(c.stdout!) });
        else if (kind === 'stderr') checks.push({ ...common, kind, match: matchOf(c.stderr!) });
        else if (kind === 'file') {
          if (!t.files_dir) problems.push(`${at(ptr)}: a file check needs the test's files_dir`);
          else if (!c.file!.startsWith(`${t.files_dir.replace(/\/+$/, '')}/`)) problems.push(`${at(ptr)}: ${c.file} is not under files_dir ${t.files_dir}`);
          checks.push({ ...common, kind, path: c.file!, exists: c.exists ?? true, ...(c.contents !== undefined ? { match: matchOf(c.contents) } : {}) });
        } else if (kind === 'trace') {
          const tr = c.trace!;
          const tk = TRACE_KINDS.filter((k) => tr[k] !== undefined);
          if (tk.length !== 1) problems.push(`${at(ptr)}: a trace check has exactly one of ${TRACE_KINDS.join(', ')}`);
          else if ((tr.min !== undefined || tr.max !== undefined) && tk[0] !== 'call') problems.push(`${at(ptr)}: min and max go with call`);
          else {
            // Call names as --trace-only and --inject take them (host/trace/names.ts): a typo is refused here, not at grading time.
            for (const n of [...(tr.sequence ?? []), ...(tr.before ?? []), ...(tr.call !== undefined ? [tr.call] : [])]) {
              try {
                traceNames(n);
              } catch (e) {
                if (!(e instanceof CallNameError)) throw e;
                problems.push(`${at(ptr)}: ${e.message}`);
              }
            }
          }
          if (tk.length === 1 && !((tr.min !== undefined || tr.max !== undefined) && tk[0] !== 'call')) checks.push({ ...common, kind, assert: { [tk[0]!]: tr[tk[0]!], ...(tr.min !== undefined ? { min: tr.min } : {}), ...(tr.max !== undefined ? { max: tr.max } : {}) } as TraceAssertion });
        } else {
          const [mod, name] = [c.function!.slice(0, c.function!.lastIndexOf('#')), c.function!.slice(c.function!.lastIndexOf('#') + 1)];
          const abs = isAbsolute(mod) ? mod : join(srcDir, mod);
          const bad = sourceProblem(abs, mod);
          if (bad) problems.push(`${at(ptr)}: ${bad}`);
          checks.push({ ...common, kind: 'function', module: abs, name });
        }
      });
      tests.push({
        number: tests.length + 1,
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        points: t.points,
        ...(t.partial_credit ? { partialCredit: true } : {}),
        visibility: t.visibility ?? 'visible',
        tags: t.tags ?? [],
        seeds: t.seeds ?? seeds,
        ...(t.hosts ? { hosts: t.hosts } : {}),
        ...(t.links ? { links: t.links } : {}),
        ...(t.partitions ? { partitions: t.partitions } : {}),
        processes,
        inject: t.inject ?? [],
        limits,
        ...(t.files_dir ? { filesDir: t.files_dir.replace(/\/+$/, '') } : {}),
        checks,
      });
    });
  }
  if (!tests.length) problems.push(`${main.path}: no tests (add tests: or include:)`);
  const solution = raw.solution === undefined ? undefined : isAbsolute(raw.solution) ? raw.solution : join(dir, raw.solution);
  if (solution !== undefined && !existsSync(solution)) problems.push(`${main.path}:${main.line('/solution')}: no such directory ${raw.solution}`);
  if (problems.length) throw new GradeSpecError(`invalid grading spec:\n  ${problems.join('\n  ')}`);
  return {
    file,
    dir,
    assignment: raw.assignment,
    language: raw.submission.language ?? 'c',
    programs,
    reference,
    ...(solution !== undefined ? { solution: { dir: solution } } : {}),
    ...(raw.submission_limits?.time !== undefined ? { submissionTimeMs: durationMs(raw.submission_limits.time) } : {}),
    ...(raw.submission_limits?.compile_time !== undefined ? { compileSeconds: durationMs(raw.submission_limits.compile_time) / 1000 } : {}),
    ...(raw.submission_limits?.compile_memory !== undefined ? { compileMemoryMb: parseSize(String(raw.submission_limits.compile_memory)) / (1 << 20) } : {}),
    gradescope: { visibility: raw.gradescope?.visibility ?? 'visible', stdoutVisibility: raw.gradescope?.stdout_visibility ?? 'hidden' },
    tests,
  };
}
