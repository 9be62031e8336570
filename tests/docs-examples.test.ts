// The documentation stays true to the program: README.md and docs/*.md name
// only options their command's --help lists and only paths that exist, quote
// trace lines a real run produces, and their scenario, spec and TypeScript
// samples load and run as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import { spawn } from 'node:child_process';
import AjvModule from 'ajv';
import { parse as parseYaml } from 'yaml';
import ts from 'typescript';
import { ROOT, runCli } from './helpers.js';
import { loadGradingSpec } from '../dist/host/grade/load.js';

const Ajv = AjvModule as unknown as typeof AjvModule.default;
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const text = (f: string): string => readFileSync(join(ROOT, f), 'utf8');

/** The fenced blocks of a Markdown file: their info string and body. */
function blocks(md: string): { lang: string; body: string }[] {
  return [...md.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'socklab-docs-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('commands in the docs', () => {
  /** Every `socklab SUB ...` the docs show, in code blocks and inline code (which may wrap a line). */
  function commands(): { doc: string; sub: string; cmd: string }[] {
    const out: { doc: string; sub: string; cmd: string }[] = [];
    const subs = 'run|build|grade|worker|demo|diff|view';
    // A command, not a message socklab prints (`socklab run: cannot read ...`).
    const re = new RegExp(`(?:^|[\`\\s$])(?:npx )?socklab (${subs})(?![:\\w-])([^\`\\n]*(?:\\\\\\n[^\`\\n]*)*)`, 'g');
    for (const doc of DOCS) {
      const md = text(doc);
      const pieces = [
        ...blocks(md).filter((b) => ['', 'sh', 'bash', 'console'].includes(b.lang)).map((b) => b.body),
        ...[...md.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\n/g, ' ')),
      ];
      for (const p of pieces) for (const m of p.matchAll(re)) out.push({ doc, sub: m[1]!, cmd: `socklab ${m[1]}${m[2]}` });
    }
    return out;
  }

  it('use only the options their command\'s --help lists', async () => {
    const cmds = commands();
    expect(cmds.length).toBeGreaterThan(30);
    const known = new Map<string, Set<string>>();
    for (const sub of new Set(cmds.map((c) => c.sub))) {
      const h = await runCli([sub, '--help']);
      expect(h.status, `${sub} --help`).toBe(0);
      known.set(sub, new Set([...h.stdout.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0])));
    }
    const bad: string[] = [];
    for (const c of cmds) {
      // Options are socklab's up to the module (run) or among the sources (build: the rest go to clang).
      for (const m of c.cmd.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) {
        if (c.sub === 'build' && !known.get('build')!.has(m[0])) continue;
        if (!known.get(c.sub)!.has(m[0])) bad.push(`${c.doc}: ${m[0]} in "${c.cmd.trim()}"`);
      }
    }
    expect(bad).toEqual([]);
  }, 60_000);

  it("an example's scenario a command runs is named by its path from the checkout", () => {
    // `socklab run demo.yaml` from the checkout said "cannot read the scenario file" (it is examples/tcp-echo/demo.yaml).
    const examples = new Set(readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.split('/').pop()!));
    const bad: string[] = [];
    for (const c of commands().filter((x) => x.sub === 'run')) {
      const m = /^socklab run\s+(\S+\.ya?ml)\b/.exec(c.cmd.trim());
      if (!m || !examples.has(m[1]!.split('/').pop()!)) continue; // the user's own scenario.yaml, grading's replay/...
      if (!existsSync(join(ROOT, m[1]!))) bad.push(`${c.doc}: ${c.cmd.trim()}`);
    }
    expect(bad).toEqual([]);
  });

  it('grade --help says what --quiet does: the score line alone', async () => {
    const h = await runCli(['grade', '--help']);
    expect(h.stdout).toMatch(/--quiet\s+print only the score line \(--submission\), nothing in\s+batch mode/);
    const out = join(tmp, 'grade-quiet');
    const g = await runCli(['grade', join(ROOT, 'examples', 'grading', 'echo-udp', 'grading.yaml'), '--submission', join(ROOT, 'tests', 'grading-submissions', 'short_write'), '--only', 'short writes', '--out', out, '--quiet']);
    expect(g.stderr).toBe('');
    expect(g.stdout).toBe('Score: 0/10 (0 of 1 tests passed).\n');
    expect(g.status).toBe(0);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
  }, 120_000);
});

/** Paths the docs name that are not in a checkout: written by `npm run bench`; inside $WASI_SDK_PATH. */
const NOT_IN_CHECKOUT = new Set(['bench/results.json', 'bin/clang']);

describe('paths and links in the docs', () => {
  it('every repository path and relative link they name exists', () => {
    const bad: string[] = [];
    const tops = 'examples|tests|docs|host|guest|scripts|bench|bin';
    for (const doc of DOCS) {
      const md = text(doc);
      for (const m of md.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(ROOT, dirname(doc), target))) bad.push(`${doc}: link ${m[1]}`);
      }
      // A path from the repository's root, not part of an absolute or deeper path (/grade/tests/...).
      for (const m of md.matchAll(new RegExp(`(?<![\\w/.~-])(?:${tops})/[A-Za-z0-9_./-]*[A-Za-z0-9_/]`, 'g'))) {
        const p = m[0];
        if (NOT_IN_CHECKOUT.has(p)) continue;
        if (/[A-Z]{2,}/.test(p.replace(/README|LICENSE/g, ''))) continue; // a placeholder: OUT/NAME, DIR, FILE
        if (md[m.index! + p.length] === '*') {
          // A glob (tests/c/diff_epoll_*.c): something matches it.
          const dir = p.endsWith('/') ? p : `${dirname(p)}/`;
          if (!readdirSync(join(ROOT, dir)).some((f) => f.startsWith(p.slice(dir.length)))) bad.push(`${doc}: glob ${p}*`);
        } else if (!existsSync(join(ROOT, p))) bad.push(`${doc}: path ${p}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("the README's examples table", () => {
  it('has a row for every example directory with a program or a scenario, and each names its scenario files', () => {
    // examples/multicast was missing; examples/sleepers had no scenario for its "two processes".
    const readme = text('README.md');
    const bad: string[] = [];
    for (const d of readdirSync(join(ROOT, 'examples')).sort()) {
      const files = readdirSync(join(ROOT, 'examples', d)).filter((f) => /\.(c|ya?ml)$/.test(f));
      if (!files.length) continue; // as/, grading/ (named elsewhere), gradescope/, prairielearn/
      const row = readme.split('\n').find((l) => l.startsWith(`| \`examples/${d}\` |`));
      if (!row) bad.push(`examples/${d}: no row`);
      for (const y of files.filter((f) => /\.ya?ml$/.test(f))) if (row && !readme.includes(y)) bad.push(`examples/${d}/${y}: not named`);
    }
    expect(bad).toEqual([]);
  });
});

describe('trace samples', () => {
  it("docs/tracing.md's trace lines are the demo's (tests/golden/demo.strace)", () => {
    const golden = new Set(text('tests/golden/demo.strace').split('\n'));
    const lines = blocks(text('docs/tracing.md')).flatMap((b) => b.body.split('\n')).filter((l) => /^\[pid \d+\] \d/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.filter((l) => !golden.has(l))).toEqual([]);
  });

  it('JSONL samples validate against docs/trace-format.schema.json; those of the demo are its real lines', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(text('docs/trace-format.schema.json')) as object);
    const golden = new Set(text('tests/golden/demo.jsonl').split('\n'));
    let n = 0;
    for (const doc of DOCS) {
      for (const b of blocks(text(doc)).filter((x) => x.lang === 'json' || x.lang === 'jsonl')) {
        for (const l of b.body.split('\n').filter((x) => x.startsWith('{"v":'))) {
          n++;
          expect(validate(JSON.parse(l)), `${doc}: ${l}\n${JSON.stringify(validate.errors)}`).toBe(true);
          const o = JSON.parse(l) as { host?: string };
          if (o.host === 'server' || o.host === 'client') expect(golden.has(l), `${doc}: not in demo.jsonl: ${l}`).toBe(true);
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(4);
  });
});

describe('scenario and spec samples', () => {
  it("docs/scenarios.md's samples validate against docs/scenario.schema.json", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('ipv4', { validate: (s: string) => isIPv4(s) });
    ajv.addFormat('ipv6', { validate: (s: string) => isIPv6(s) });
    const validate = ajv.compile(JSON.parse(text('docs/scenario.schema.json')) as object);
    const samples = blocks(text('docs/scenarios.md')).filter((b) => b.lang === 'yaml');
    expect(samples.length).toBeGreaterThanOrEqual(3);
    for (const s of samples) {
      const doc = parseYaml(s.body) as Record<string, unknown>;
      // An excerpt without processes is a scenario once it has one.
      const whole = 'processes' in doc ? doc : { ...doc, processes: [{ module: 'x.wasm' }] };
      expect(validate(whole), `${s.body}\n${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("docs/grading.md's spec loads (next to the sample assignment's files)", () => {
    const dir = join(tmp, 'echo-udp');
    cpSync(join(ROOT, 'examples', 'grading', 'echo-udp'), dir, { recursive: true });
    const sample = blocks(text('docs/grading.md')).find((b) => b.lang === 'yaml' && b.body.includes('assignment:'))!;
    writeFileSync(join(dir, 'spec.yaml'), sample.body);
    const spec = loadGradingSpec(join(dir, 'spec.yaml'));
    expect(spec.assignment).toBe('Sockets 1: a TCP echo server and a UDP client');
    expect(spec.tests.length).toBeGreaterThan(1); // hidden-tests.yaml came in too
  });

  it("docs/scenarios.md's example runs to status 0 next to the sources it names", async () => {
    const dir = join(tmp, 'scenario');
    mkdirSync(dir);
    for (const f of ['echo_server.c', 'echo_client.c']) copyFileSync(join(ROOT, 'examples', 'tcp-echo', f), join(dir, f));
    const sample = blocks(text('docs/scenarios.md')).find((b) => b.lang === 'yaml' && b.body.includes('version: 1'))!;
    writeFileSync(join(dir, 'example.yaml'), sample.body);
    const r = await runCli(['run', join(dir, 'example.yaml')]);
    expect(r.stderr).toContain('exit status 0');
    expect(r.stdout).toContain('served 3 clients, bye');
    expect(r.status).toBe(0);
  }, 120_000);

  it("the README's TypeScript sample runs as written", async () => {
    const dir = join(tmp, 'readme-ts');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules', 'socklab'), 'dir'); // `import ... from 'socklab'` as after npm install
    copyFileSync(join(ROOT, 'examples', 'hello', 'hello.c'), join(dir, 'hello.c'));
    const sample = blocks(text('README.md')).find((b) => b.lang === 'ts')!;
    const js = ts.transpileModule(sample.body, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'sample.mjs'), js);
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
      const p = spawn(process.execPath, ['sample.mjs'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', fail);
      p.on('close', (status) => done({ status, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^0 /); // o.status, then hello's output
    expect(existsSync(join(dir, 'hello.wasm'))).toBe(true);
  }, 120_000);
});
