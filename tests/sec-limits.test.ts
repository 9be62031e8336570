// Issue #11: limits checked up front — a scenario asking for more processes
// than a run may hold is refused before anything is built or started.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, guest } from './helpers.js';

describe('scenario limits', () => {
  it('refuses count: 10000 at load time, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-count-'));
    try {
      const f = join(dir, 'many.yaml');
      writeFileSync(f, `processes:\n  - module: ${guest('kernel_args')}\n  - module: ${guest('kernel_args')}\n    count: 10000\n`);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', f], { encoding: 'utf8' });
      expect(r.stderr).toMatch(/many\.yaml:4: 10001 processes in all, more than the 4096 one run may hold/);
      expect(r.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('notices quoting guest bytes', () => {
  it('show control characters escaped, never raw', async () => {
    const { printable } = await import('../dist/host/net/real/network.js');
    expect(printable('/mnt/\x1b[2Jx\n\x7f\u2028é')).toBe('/mnt/\\x1b[2Jx\\x0a\\x7f\\x2028é');
  });
});

describe('ephemeral ports', () => {
  it('run out as on Linux (UDP autobind: EAGAIN), fail at once afterwards, and come back when released', async () => {
    const { runGuest } = await import('./helpers.js');
    const o = await runGuest('sec_ports', [], { maxFds: 30000 });
    // 32768..60999, as Linux's default ip_local_port_range.
    expect(o.stdout).toBe('after 28232: Resource temporarily unavailable\n2000 more: 2000 failed\nafter a close: connected\n');
  });
});
