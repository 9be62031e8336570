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

describe("the run's memory budget (--max-total-memory)", () => {
  it('kills a process growing past it with a one-line reason, status 137', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'socklab.js'), 'run', '--max-total-memory', '40M', guest('mem_budget'), '--', 'grow'], { encoding: 'utf8' });
    expect(r.stdout).toContain('32 MiB\n');
    expect(r.stdout).not.toContain('40 MiB');
    expect(r.stderr).toMatch(/mem_budget.wasm \(pid 1\) out of memory: the run's processes would hold [\d.]+ MiB, the run's limit is 40 MiB/);
    expect(r.status).toBe(137);
  });

  it('fails a fork whose copy would not fit with ENOMEM, and gives the memory back when children exit', async () => {
    const { runGuest } = await import('./helpers.js');
    const o = await runGuest('mem_budget', [], { maxTotalMemory: 64 << 20 });
    // The parent holds ~13 MiB (12 MiB touched, the C runtime, socklab's 64 KiB): 64 MiB holds it and 3 copies.
    expect(o.stdout).toBe('fork 4: Cannot allocate memory\n3 children, then one more after they exited: ok\n');
    expect(o.status).toBe(0);
  });

  it("defaults to half of the machine's memory", async () => {
    const { defaultTotalMemory } = await import('../dist/host/runner/session.js');
    const { totalmem } = await import('node:os');
    expect(defaultTotalMemory()).toBe(Math.floor(totalmem() / 2));
  });
});
