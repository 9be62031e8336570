// <termios.h> (guest/c/src/termios.c): the same C program built by gcc and run by Linux with stdin from
// /dev/null prints the same: every call on an fd fails with ENOTTY (EBADF for a bad fd), cfmakeraw and the
// speed functions change the struct as glibc's. (tests/strace-diff.test.ts compares the ioctls with strace's.)
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

describe('termios', () => {
  it('answers as glibc on Linux for files that are not terminals', async () => {
    needs('gcc');
    const exe = join(tempDir('socklab-termios-'), 'diff_termios');
    execFileSync('gcc', ['-O1', '-w', '-o', exe, join(ROOT, 'tests', 'c', 'diff_termios.c')]);
    const linux = execFileSync(exe, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const o = await runGuest('diff_termios');
    expect(o.status).toBe(0);
    expect(o.stdout).toBe(linux);
    expect(o.stdout).toContain('fd 3\ntcgetattr: -1 Inappropriate ioctl for device\n');
    expect(o.stdout).toContain('fd 99\ntcgetattr: -1 Bad file descriptor\n');
    expect(o.stdout).toContain('tcsetattr 7: -1 Invalid argument\n');
    expect(o.stdout).toContain('cfsetospeed 12345: -1 Invalid argument\ncfsetspeed 19200: 0 -> 016\n');
    expect(o.stdout).toContain('sizeof 60 c_cc at 17 NCCS 32\n');
  });
});
