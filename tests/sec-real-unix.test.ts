// Issue #11: a --net=real guest must not reach a host AF_UNIX socket outside
// its --dir mount, whatever links it plants or however long the paths are.
import { describe, expect, it } from 'vitest';
import * as net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guest } from './helpers.js';
import { runUntil, T } from './real-helpers.js';
import { run } from './helpers.js';

const proc = (name: string, args: string[]) => ({ module: guest(name), name: `${name}.wasm`, args });

describe('AF_UNIX paths on --net=real stay inside the mount', () => {
  it('never lets the host follow a planted link or cut a long path to reach an outside socket', async () => {
    const top = mkdtempSync(join(tmpdir(), 'sl-esc-'));
    const mnt = join(top, 'mnt');
    mkdirSync(mnt);
    const outside = join(top, 'outside.sock');
    let greeted = 0;
    const srv = net.createServer((c) => {
      greeted++;
      c.end('SECRET');
    });
    await new Promise<void>((r) => srv.listen(outside, r));
    try {
      const o = await run({ net: 'real', timeoutMs: T, mounts: [{ host: mnt, guest: '/mnt', readonly: false }], processes: [proc('sec_unix_escape', ['plant', outside])] });
      expect(o.stdout).not.toContain('SECRET');
      // The 102-a name does not exist in the mount; the 50-a one is a link whose target, read as a guest path, does not exist.
      expect(o.stdout).toBe('connect 107: ENOENT\nconnect 55: ENOENT\n');
      expect(greeted).toBe(0);
    } finally {
      srv.close();
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('binds inside a mount whose host path is longer than sun_path, never in its parent', async () => {
    const top = mkdtempSync(join(tmpdir(), 'sl-long-'));
    const mnt = join(top, 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(mnt, { recursive: true });
    const parent = join(top, 'd'.repeat(60));
    try {
      const { ready, done } = runUntil({ net: 'real', mounts: [{ host: mnt, guest: '/mnt', readonly: false }], processes: [proc('sec_unix_escape', ['bind', 's'])] }, /listening/);
      await ready;
      expect(existsSync(join(mnt, 's'))).toBe(true);
      expect(existsSync(join(parent, 's'))).toBe(false);
      // Reach it through a short link (the test's own, on the host side).
      symlinkSync(mnt, join(top, 'l'));
      const got = await new Promise<string>((resolve, reject) => {
        const c = net.connect(join(top, 'l', 's'));
        let b = '';
        c.on('data', (d) => (b += d));
        c.on('end', () => resolve(b));
        c.on('error', reject);
      });
      expect(got).toBe('guest');
      expect((await done).status).toBe(0);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('refuses with ENAMETOOLONG a name the host could not carry, instead of cutting it', async () => {
    const top = mkdtempSync(join(tmpdir(), 'sl-name-'));
    try {
      const o = await run({ net: 'real', timeoutMs: T, mounts: [{ host: top, guest: '/mnt', readonly: false }], processes: [proc('sec_unix_escape', ['bind', 'n'.repeat(100)])] });
      expect(o.stdout).toBe('bind: ENAMETOOLONG\n');
      expect(existsSync(join(top, 'n'.repeat(100)))).toBe(false);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
