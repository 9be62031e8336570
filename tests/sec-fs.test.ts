// Issue #11: filesystem inputs a guest controls never crash the host or
// grow it without bound: sparse files, extreme lengths, directory cookies,
// renames onto "..", read-only mounts, and the run's space (--max-fs).
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGuest } from './helpers.js';

describe('filesystem limits and extreme arguments', () => {
  it('keeps files sparse, refuses negative and huge lengths as Linux does, and ends a directory at any cookie past its end', async () => {
    const o = await runGuest('sec_fs_limits', ['sparse']);
    expect(o.stderr).toBe('');
    expect(o.stdout).toBe([
      'ftruncate 1G: 0 0',
      'size 1073741824',
      'pread in the hole: 16 zeros',
      'write at 1G-4: 4',
      'ftruncate -5: EINVAL',
      'ftruncate 2^40: EFBIG',
      'fallocate 2^40: EFBIG',
      'fallocate len 0: EINVAL',
      'fallocate 4096: 0',
      'readdir cookie 2^64-1: 0 used 0',
      'readdir cookie 2^63: 0 used 0',
      '',
    ].join('\n'));
    expect(o.status).toBe(0);
  });

  it('stops a write flood at --max-fs with a short write, then ENOSPC, and gives the space back on unlink', async () => {
    const o = await runGuest('sec_fs_limits', ['flood'], { maxFs: 8 << 20 });
    expect(o.stdout).toBe(`after ${8 << 20} bytes: ENOSPC\nafter unlink: 1048576\n`);
    const partial = await runGuest('sec_fs_limits', ['flood'], { maxFs: (8 << 20) + 5000 });
    // Pages are 4 KiB, as tmpfs counts them: the last write is short.
    expect(partial.stdout).toBe(`short write of 4096\nafter ${(8 << 20) + 4096} bytes: ENOSPC\nafter unlink: 1048576\n`);
  });

  it('never renames onto ".." on the host, and futimens on a read-only mount is EROFS', async () => {
    const top = mkdtempSync(join(tmpdir(), 'sl-fs-'));
    try {
      mkdirSync(join(top, 'w'));
      mkdirSync(join(top, 'r'));
      writeFileSync(join(top, 'r', 'f'), 'hi');
      const o = await runGuest('sec_fs_limits', ['mnt', '/w', '/r'], { mounts: [{ host: join(top, 'w'), guest: '/w', readonly: false }, { host: join(top, 'r'), guest: '/r', readonly: true }] });
      expect(o.stdout).toBe('rename onto ..: EBUSY\nfutimens on ro: EROFS\n');
      expect(readdirSync(join(top, 'w')).sort()).toEqual(['d', 'q']);
      expect(readdirSync(top).sort()).toEqual(['r', 'w']);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
