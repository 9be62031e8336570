// <termios.h> (guest/c/src/termios.c): the same C program built by gcc and run by Linux with stdin from
// /dev/null prints the same: every call on an fd fails with ENOTTY (EBADF for a bad fd), cfmakeraw and the
// speed functions change the struct as glibc's. (tests/strace-diff.test.ts compares the ioctls with strace's.)
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';
import { GuestMemory } from '../host/abi/memory.js';
import { TTY_IOCTL, ttyIoctlArg, ttyIoctlName } from '../host/trace/termios.js';

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

describe("strace's rendering of the terminal ioctls", () => {
  // Each expected string is what strace 6.1 printed for the same struct given to ioctl(3, TCSETS, &k) natively.
  const mem = new GuestMemory(new WebAssembly.Memory({ initial: 1 }));
  const at = (iflag: number, oflag: number, cflag: number, lflag: number): string => {
    mem.setU32(64, iflag);
    mem.setU32(68, oflag);
    mem.setU32(72, cflag);
    mem.setU32(76, lflag);
    return ttyIoctlArg(mem, TTY_IOCTL.TCSETS, 64)!;
  };
  it('prints struct termios as strace 6.1 does, unknown bits and fields included', () => {
    expect(at(0, 0, 0, 0)).toBe('{c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|CS5|, c_lflag=, ...}');
    expect(at(0x1234, 0x5, 0xbf, 0x8a3b)).toBe('{c_iflag=IGNPAR|INPCK|ISTRIP|IUCLC|IXOFF, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}');
    expect(at(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)).toBe('{c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|0xffff0000, c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, ...}');
    expect(at(0x8000, 0x10000, 0x1000, 0x2000)).toBe('{c_iflag=0x8000, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|0x10000, c_cflag=BOTHER|CS5|, c_lflag=0x2000, ...}');
    expect(at(0, 0x800, 0x000f0000, 0)).toBe('{c_iflag=, c_oflag=NL0|CR0|TAB1|BS0|VT0|FF0|, c_cflag=B0|B38400<<IBSHIFT|CS5|, c_lflag=, ...}');
    expect(at(0, 0xf800, 0x2003, 0)).toBe('{c_iflag=, c_oflag=NL0|CR0|XTABS|BS1|VT1|FF1|, c_cflag=B110|CS5|0x2000, c_lflag=, ...}');
  });
  it('names the requests and their other arguments as strace does', () => {
    expect(ttyIoctlName(TTY_IOCTL.TCSETSW)).toBe('SNDCTL_TMR_STOP or TCSETSW');
    expect(ttyIoctlName(TTY_IOCTL.TCGETS)).toBe('TCGETS');
    expect(ttyIoctlArg(mem, TTY_IOCTL.TCSETSW, 0)).toBe('NULL');
    // Past linear memory: the pointer, as strace prints one it cannot read.
    expect(ttyIoctlArg(mem, TTY_IOCTL.TCSETS, 0xfffffff0)).toBe('0xfffffff0');
    expect(ttyIoctlArg(mem, TTY_IOCTL.TCXONC, 7)).toBe('0x7 /* TC??? */');
    expect(ttyIoctlArg(mem, TTY_IOCTL.TCFLSH, 1)).toBe('TCOFLUSH');
    expect(ttyIoctlArg(mem, TTY_IOCTL.TCSBRK, -1)).toBe('-1');
    expect(ttyIoctlArg(mem, TTY_IOCTL.TIOCSPGRP, 0)).toBe('NULL');
    expect(ttyIoctlArg(mem, 0x541b, 64)).toBeUndefined();
  });
});
