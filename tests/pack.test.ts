// socklab as a package (#14 item 2.7): `npm pack` gives a tarball with dist/
// that installs into an empty directory without dev dependencies (no
// TypeScript, no compile step), and whose `npx socklab run` works.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guest, ROOT, tempDir } from './helpers.js';

const sh = (cmd: string, args: string[], cwd: string): { status: number | null; out: string } => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('npm pack, then npm install --omit=dev', () => {
  it('installs from the tarball without dev dependencies, and npx socklab run works', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; files: string[] };
    // npm pack builds dist/ first (prepack); npm test has just built it, so the test packs it as it is
    // (recompiling here would rewrite dist/ under the other test files).
    expect(pkg.scripts.prepack).toBe('npm run build');
    const dir = tempDir('socklab-pack-');
    const packed = sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
    expect(packed.status, packed.out).toBe(0);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tgz, packed.out).toBeDefined();
    const list = sh('tar', ['tzf', join(dir, tgz!)], dir).out.split('\n');
    for (const f of ['package/dist/host/cli/main.js', 'package/dist/bundle/cli.cjs', 'package/dist/bundle/worker.cjs', 'package/dist/bundle/batch-worker.js', 'package/bin/socklab.js', 'package/guest/c/sdk.json', 'package/docs/scenario.schema.json', 'package/examples/hello/hello.c']) expect(list).toContain(f);
    expect(list.some((f) => f.startsWith('package/tests/') || f.startsWith('package/host/') && f.endsWith('.ts'))).toBe(false);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
    const inst = sh('npm', ['install', '--omit=dev', '--prefer-offline', join(dir, tgz!)], app);
    expect(inst.status, inst.out).toBe(0);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);

    copyFileSync(guest('examples_hello'), join(app, 'hello.wasm'));
    const ran = sh('npx', ['--no-install', 'socklab', 'run', 'hello.wasm', '--', 'packed'], app);
    expect(ran.status, ran.out).toBe(0);
    expect(ran.out).toContain('hello from hello.wasm with 1 argument(s)');
    expect(ran.out).toContain('argv[1] = packed');
    // One of the package's own examples, built on demand with the C SDK the package ships.
    const c = sh('npx', ['--no-install', 'socklab', 'run', join('node_modules', 'socklab', 'examples', 'hello', 'hello.c')], app);
    expect(c.status, c.out).toBe(0);
    expect(c.out).toContain('hello from hello.c');
  });

  it('prepare does not fail where TypeScript is not installed (npm ci --omit=dev)', () => {
    const dir = tempDir('socklab-prepare-');
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'prepare.js'), join(dir, 'scripts', 'prepare.js'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "socklab", "type": "module" }\n');
    const r = sh(process.execPath, [join(dir, 'scripts', 'prepare.js')], dir);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('typescript is not installed');
  });
});
