// npm test on a machine without root (#14 item 2.6): scripts/setup-tests.js
// does not stop when it cannot install the Debian tools; every other test
// runs, the tests needing a missing tool fail naming it, and the run ends
// with their list and the one command that installs the tools.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempDir } from './helpers.js';

/**
 * A PATH with node and sh only: gcc, tshark, curl, nc and sudo are "not installed". A native clang the
 * guests were built with stays (it is no Debian test tool): the build stamps name the compiler, and without
 * it setup-tests would rebuild every guest with @yowasp/clang, which is not what this test is about.
 */
function barePath(): string {
  const bin = tempDir('socklab-bare-');
  // Searchable by the user the first test runs as (mkdtemp makes it 0700).
  chmodSync(bin, 0o755);
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  for (let v = 30; v >= 14; v--) {
    for (const tool of [`clang-${v}`, `wasm-ld-${v}`]) {
      const path = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (path) symlinkSync(path, join(bin, tool));
    }
  }
  return bin;
}

describe('npm test without root and without the Debian tools', () => {
  it('setup-tests.js still prepares the guests, says what is missing and how to install it, exit 0', () => {
    const bin = barePath();
    // As nobody when this runs as root (so no apt-get), and with none of the tools on PATH.
    const asNobody = process.getuid?.() === 0 ? [spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim(), '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const cmd = [...asNobody, process.execPath, join(ROOT, 'scripts', 'setup-tests.js')];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: ROOT, env: { PATH: bin, HOME: tmpdir() }, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toContain('cannot install gcc strace python3 tshark curl netcat-openbsd');
    expect(r.stderr).toContain('sudo apt-get install -y --no-install-recommends gcc strace python3 tshark curl netcat-openbsd');
    expect(r.stdout).toContain('test guests ready');
    expect(r.status, r.stderr).toBe(0);
  });

  it('a test needing a missing tool fails, and the run ends listing it with the install command', () => {
    const bin = barePath();
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'tests/fuzz-regress.test.ts'], {
      cwd: ROOT,
      // Its own list of tests lacking a tool: this run's is not touched.
      env: { ...process.env, PATH: bin, SOCKLAB_MISSING_TOOLS_LOG: join(bin, 'missing-tools.log') },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const out = r.stdout + r.stderr;
    expect(r.status).not.toBe(0);
    expect(out).toContain('this test needs gcc (Debian package gcc), which is not installed');
    expect(out).toMatch(/1 test\(s\) could not run[^\n]*\n {2}tests\/fuzz-regress\.test\.ts > [^\n]*\(needs gcc\)/);
    expect(out).toContain('sudo apt-get install -y --no-install-recommends gcc');
  });
});
