// strace 6.1's rendering of the terminal ioctls (<termios.h>, guest/c/src/termios.c): their names (TCSETS*
// share their numbers with OSS's SNDCTL_TMR_*, and strace names both) and arguments. No socklab fd is a
// terminal, so every such call fails: TCSETS* show the kernel struct termios they were given (strace's
// abbreviated form), TCGETS, TIOCGPGRP and TIOCGSID the pointer.
import type { GuestMemory } from '../abi/memory.js';

export const TTY_IOCTL = {
  TCGETS: 0x5401, TCSETS: 0x5402, TCSETSW: 0x5403, TCSETSF: 0x5404, TCSBRK: 0x5409, TCXONC: 0x540a, TCFLSH: 0x540b,
  TIOCGPGRP: 0x540f, TIOCSPGRP: 0x5410, TCSBRKP: 0x5425, TIOCGSID: 0x5429,
} as const;

const NAMES: ReadonlyMap<number, string> = new Map([
  ...Object.entries(TTY_IOCTL).map(([k, v]) => [v, k] as [number, string]),
  [TTY_IOCTL.TCSETS, 'SNDCTL_TMR_START or TCSETS'],
  [TTY_IOCTL.TCSETSW, 'SNDCTL_TMR_STOP or TCSETSW'],
  [TTY_IOCTL.TCSETSF, 'SNDCTL_TMR_CONTINUE or TCSETSF'],
]);

/** strace's name for a terminal request, or undefined. */
export function ttyIoctlName(req: number): string | undefined {
  return NAMES.get(req);
}

const hexp = (v: number): string => (v ? `0x${(v >>> 0).toString(16)}` : 'NULL');
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

const IFLAGS = ['IGNBRK', 'BRKINT', 'IGNPAR', 'PARMRK', 'INPCK', 'ISTRIP', 'INLCR', 'IGNCR', 'ICRNL', 'IUCLC', 'IXON', 'IXANY', 'IXOFF', 'IMAXBEL', 'IUTF8'].map((n, i) => [n, 1 << i] as const);
const OFLAGS = ['OPOST', 'OLCUC', 'ONLCR', 'OCRNL', 'ONOCR', 'ONLRET', 'OFILL', 'OFDEL'].map((n, i) => [n, 1 << i] as const);
const CFLAGS: readonly (readonly [string, number])[] = [['CSTOPB', 0o100], ['CREAD', 0o200], ['PARENB', 0o400], ['PARODD', 0o1000], ['HUPCL', 0o2000], ['CLOCAL', 0o4000], ['CMSPAR', 0x40000000], ['CRTSCTS', 0x80000000]];
// strace's xlat order (IEXTEN after NOFLSH, TOSTOP after PENDIN).
const LFLAGS: readonly (readonly [string, number])[] = [['ISIG', 0o1], ['ICANON', 0o2], ['XCASE', 0o4], ['ECHO', 0o10], ['ECHOE', 0o20], ['ECHOK', 0o40], ['ECHONL', 0o100], ['NOFLSH', 0o200], ['IEXTEN', 0o100000], ['ECHOCTL', 0o1000], ['ECHOPRT', 0o2000], ['ECHOKE', 0o4000], ['FLUSHO', 0o10000], ['PENDIN', 0o40000], ['TOSTOP', 0o400], ['EXTPROC', 0o200000]];
const BAUDS = ['B0', 'B50', 'B75', 'B110', 'B134', 'B150', 'B200', 'B300', 'B600', 'B1200', 'B1800', 'B2400', 'B4800', 'B9600', 'B19200', 'B38400'];
const BAUDS_EX = ['BOTHER', 'B57600', 'B115200', 'B230400', 'B460800', 'B500000', 'B576000', 'B921600', 'B1000000', 'B1152000', 'B1500000', 'B2000000', 'B2500000', 'B3000000', 'B3500000', 'B4000000'];
const CBAUD = 0o10017;

/** The named bits, then what is left as hex (no comment, as strace prints these fields); '' for 0. */
function flags(v: number, table: readonly (readonly [string, number])[], known: number): string {
  const out = table.filter(([, bit]) => (v & bit) !== 0).map(([n]) => n);
  const rest = (v & ~known) >>> 0;
  if (rest) out.push(hex(rest));
  return out.join('|');
}
const mask = (table: readonly (readonly [string, number])[]): number => table.reduce((m, [, b]) => m | b, 0);

const baud = (v: number): string => ((v & 0o10000) ? BAUDS_EX[v & 0o17]! : BAUDS[v & 0o17]!);

function oflag(v: number): string {
  const tab = (v >>> 11) & 3;
  const fields = [`NL${(v >>> 8) & 1}`, `CR${(v >>> 9) & 3}`, tab === 3 ? 'XTABS' : `TAB${tab}`, `BS${(v >>> 13) & 1}`, `VT${(v >>> 14) & 1}`, `FF${(v >>> 15) & 1}`];
  return `${fields.join('|')}|${flags(v, OFLAGS, 0xffff)}`;
}

function cflag(v: number): string {
  const ibaud = (v >>> 16) & CBAUD;
  const head = `${baud(v & CBAUD)}${ibaud ? `|${baud(ibaud)}<<IBSHIFT` : ''}|CS${5 + ((v >>> 4) & 3)}`;
  return `${head}|${flags(v, CFLAGS, mask(CFLAGS) | CBAUD | 0o60 | (CBAUD << 16))}`;
}

/** TCSETS*'s kernel struct termios (c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[19]), abbreviated as strace -e prints it. */
function termiosText(mem: GuestMemory, p: number): string {
  if (!p || !mem.valid(p, 36)) return hexp(p);
  const i = mem.u32(p), o = mem.u32(p + 4), c = mem.u32(p + 8), l = mem.u32(p + 12);
  return `{c_iflag=${flags(i, IFLAGS, mask(IFLAGS))}, c_oflag=${oflag(o)}, c_cflag=${cflag(c)}, c_lflag=${flags(l, LFLAGS, mask(LFLAGS))}, ...}`;
}

const TCFLSH_ARGS = ['TCIFLUSH', 'TCOFLUSH', 'TCIOFLUSH'];
const TCXONC_ARGS = ['TCOOFF', 'TCOON', 'TCIOFF', 'TCION'];

/** A terminal request's argument as strace prints it, or undefined for a request that is not one. */
export function ttyIoctlArg(mem: GuestMemory, req: number, v: number): string | undefined {
  switch (req) {
    case TTY_IOCTL.TCSETS: case TTY_IOCTL.TCSETSW: case TTY_IOCTL.TCSETSF: return termiosText(mem, v);
    case TTY_IOCTL.TCFLSH: return TCFLSH_ARGS[v] ?? `${hex(v)} /* TC??? */`;
    case TTY_IOCTL.TCXONC: return TCXONC_ARGS[v] ?? `${hex(v)} /* TC??? */`;
    case TTY_IOCTL.TCSBRK: case TTY_IOCTL.TCSBRKP: return String(v | 0);
    case TTY_IOCTL.TIOCSPGRP: return v && mem.valid(v, 4) ? `[${mem.i32(v)}]` : hexp(v);
    case TTY_IOCTL.TCGETS: case TTY_IOCTL.TIOCGPGRP: case TTY_IOCTL.TIOCGSID: return hexp(v);
  }
  return undefined;
}
