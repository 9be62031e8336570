#!/usr/bin/env node
// Lays out an autograder for Gradescope or PrairieLearn from a grading spec
// (docs/grading.md, "Gradescope" and "PrairieLearn"):
//
//   node scripts/grade-bundle.js gradescope SPEC.yaml OUTDIR [--tarball socklab-X.tgz] [--zip FILE]
//   node scripts/grade-bundle.js prairielearn SPEC.yaml OUTDIR [--tarball socklab-X.tgz]
//
// The spec's directory (the spec, its include: files, checks, reference
// programs, solution) is copied whole as `assignment/`; everything the spec
// names must be inside it. socklab itself goes in as its packed tarball:
// --tarball, or `npm pack` of this checkout (run `npm run build` first).
//
// gradescope:   OUTDIR/{setup.sh, run_autograder, socklab-X.tgz, assignment/}
//               (--zip FILE: also zipped, the files at the zip's top level, as Gradescope wants)
// prairielearn: OUTDIR/tests/{run.sh, assignment/}       -> the question's tests/ directory
//               OUTDIR/image/{Dockerfile, socklab-X.tgz} -> the external grader's image
//               OUTDIR/info.json                          -> the question's info.json, to adapt
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node scripts/grade-bundle.js gradescope|prairielearn SPEC.yaml OUTDIR [--tarball FILE] [--zip FILE]\n';

function fail(msg) {
  process.stderr.write(`grade-bundle: ${msg}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { tarball: { type: 'string' }, zip: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const [kind, specArg, outArg] = positionals;
if (!['gradescope', 'prairielearn'].includes(kind) || !specArg || !outArg || positionals.length > 3) fail(`needs a kind, a spec and a directory\n${USAGE}`);
if (values.zip && kind !== 'gradescope') fail('--zip is for gradescope');
const spec = resolve(specArg);
if (!existsSync(spec) || !statSync(spec).isFile()) fail(`${specArg}: no such file`);
const out = resolve(outArg);
if (existsSync(out) && readdirSync(out).length) fail(`${outArg}: exists and is not empty`);

// The spec must load: a broken one is better refused here than on the grader.
const { loadGradingSpec } = await import(join(ROOT, 'dist', 'host', 'grade', 'load.js')).catch(() => fail('dist/ is missing: run npm run build'));
try {
  loadGradingSpec(spec);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

/** socklab's tarball, copied (--tarball) or packed from this checkout into dir; its file name. */
function tarball(dir) {
  mkdirSync(dir, { recursive: true });
  if (values.tarball) {
    const name = basename(values.tarball);
    if (!/^socklab-.*\.tgz$/.test(name)) fail(`--tarball: ${name} is not socklab-VERSION.tgz`);
    copyFileSync(values.tarball, join(dir, name));
    return name;
  }
  // --ignore-scripts: prepack would recompile dist/; the checkout is built already (checked above).
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) fail(`npm pack failed:\n${r.stdout}${r.stderr}`);
  const name = readdirSync(dir).find((f) => /^socklab-.*\.tgz$/.test(f));
  if (!name) fail('npm pack made no socklab-*.tgz');
  return name;
}

/** Copies a template script, pointing its default spec at the spec's own file name. */
function script(from, to) {
  let text = readFileSync(from, 'utf8');
  const name = basename(spec);
  if (name !== 'grading.yaml') text = text.replaceAll('assignment/grading.yaml', `assignment/${name}`);
  writeFileSync(to, text);
  chmodSync(to, 0o755);
}

const copySpecDir = (to) => cpSync(dirname(spec), to, { recursive: true, verbatimSymlinks: true });

mkdirSync(out, { recursive: true });
if (kind === 'gradescope') {
  const t = join(ROOT, 'examples', 'gradescope');
  script(join(t, 'setup.sh'), join(out, 'setup.sh'));
  script(join(t, 'run_autograder'), join(out, 'run_autograder'));
  copySpecDir(join(out, 'assignment'));
  const tgz = tarball(out);
  if (values.zip) {
    const zip = resolve(values.zip);
    rmSync(zip, { force: true });
    const r = spawnSync('zip', ['-qr', zip, '.'], { cwd: out, encoding: 'utf8' });
    if (r.status !== 0) fail(`zip failed (is zip installed?): ${r.error?.message ?? r.stderr}`);
  }
  process.stdout.write(`${out}: setup.sh, run_autograder, ${tgz}, assignment/${values.zip ? `; zipped as ${values.zip}` : ''}\n`);
} else {
  const t = join(ROOT, 'examples', 'prairielearn');
  mkdirSync(join(out, 'tests'));
  script(join(t, 'run.sh'), join(out, 'tests', 'run.sh'));
  copySpecDir(join(out, 'tests', 'assignment'));
  mkdirSync(join(out, 'image'));
  copyFileSync(join(t, 'Dockerfile'), join(out, 'image', 'Dockerfile'));
  const tgz = tarball(join(out, 'image'));
  copyFileSync(join(t, 'info.json'), join(out, 'info.json'));
  process.stdout.write(`${out}: tests/run.sh, tests/assignment/, image/Dockerfile, image/${tgz}, info.json\n`);
}
