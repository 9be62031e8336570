// Differential test of the trace format: C programs run natively under real
// `strace -f -yy -s 64 -e trace=%network,close,poll,select,fcntl` and under
// socklab with the same filter; the lines for socket calls must match once
// what legitimately differs is normalised away (pids, -yy inodes, addresses
// and ports, timings, user-space addresses). Needs gcc and strace.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeTmp, ROOT, runGuest, tempDir } from './helpers.js';
import { needs } from './tools.js';

/** Calls compared: the filter's calls (no library calls; the dynamic loader's close()s are left out below). */
const CALLS = /^(socket|socketpair|bind|listen|accept4?|connect|sendto|recvfrom|sendmsg|recvmsg|sendmmsg|recvmmsg|shutdown|getsockname|getpeername|setsockopt|getsockopt|poll|select|fcntl|close)\(/;

/**
 * -yy's decorations, `3<TCP:[127.0.0.1:50900->127.0.0.1:7000]>`,
 * `4<UNIX-STREAM:[170993->170992,"/tmp/x.sock"]>`, `5<pipe:[12345]>`,
 * `6<anon_inode:[eventpoll]>`, `1</dev/pts/0>`: found by their shape, with
 * nested brackets, and reduced to their kind (inodes, addresses and ports
 * differ between the machine and the virtual network).
 */
export function stripDecorations(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const m = /^(\d+)<([A-Za-z0-9_-]+):\[/.exec(line.slice(i));
    const prevOk = i === 0 || !/[\w"]/.test(line[i - 1]!);
    if (m && prevOk && Number(m[1]) <= 2) {
      // stdin/stdout/stderr: the machine's terminal or /dev/null natively, socklab's pipes to the host.
      const end = skipDecoration(line, i + m[0].length);
      if (end > 0) {
        out += 'FD<stdio>';
        i = end;
        continue;
      }
    }
    if (m && prevOk) {
      // Balanced brackets up to the "]>" that closes the decoration; quoted paths may hold anything.
      const end = skipDecoration(line, i + m[0].length);
      if (end > 0) {
        const kind = m[2]!;
        // anon_inode:[eventpoll] names its kind inside the brackets.
        const inner = line.slice(i + m[0].length, end - 2);
        out += kind === 'anon_inode' ? `FD<anon_inode:[${inner}]>` : `FD<${kind}>`;
        i = end;
        continue;
      }
    }
    // A path decoration: 3</tmp/x>, 1</dev/pts/0>, 0</dev/null<char 1:3>>.
    const p = prevOk ? /^(\d+)<(\/[^<>]*)(?:<[^<>]*>)?>/.exec(line.slice(i)) : null;
    if (p) {
      out += Number(p[1]) <= 2 || p[2]!.startsWith('/dev/') ? 'FD<stdio>' : 'FD<file>';
      i += p[0].length;
      continue;
    }
    out += line[i];
    i++;
  }
  return out;
}

/** Index after the "]>" closing a decoration whose "[" ends before `from`, or -1. */
function skipDecoration(line: string, from: number): number {
  let depth = 1;
  let quoted = false;
  let j = from;
  for (; j < line.length && depth > 0; j++) {
    const c = line[j]!;
    if (quoted) {
      if (c === '\\') j++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
  }
  return depth === 0 && line[j] === '>' ? j + 1 : -1;
}

/** sa_data of a sockaddr_in shorter than the struct: its first two bytes are the port, which differs. */
function saDataPort(line: string): string {
  return line.replace(/(sa_family=AF_INET6?, sa_data=")((?:\\[0-7]{1,3}|\\.|[^"\\])*)"/g, (_m, head: string, body: string) => {
    const bytes = body.match(/\\[0-7]{1,3}|\\.|[^"\\]/g) ?? [];
    return `${head}${bytes.length >= 2 ? `PORT${bytes.slice(2).join('')}` : bytes.join('')}"`;
  });
}

export function normalise(line: string): string {
  return saDataPort(stripDecorations(
    line
      .replace(/^\[pid +\d+\] |^\d+ +/, '')
      .replace(/^\d+\.\d+ /, '')
      .replace(/ <\d+\.\d+>$/, '')
      // -yy's current directory after AT_FDCWD (the machine's): socklab's host does not know the guest's.
      .replace(/\bAT_FDCWD<[^>]*>/g, 'AT_FDCWD'),
  ))
    .replace(/htons\(\d+\)/g, 'htons(PORT)')
    // A socket path a program made its own with its pid (test runs at once on one machine share /tmp).
    .replace(/(sun_path="\/tmp\/socklab-[\w-]+?)-\d+\.sock"/g, '$1-PID.sock"')
    // The same in an abstract name (machine-wide, so it carries the pid, zero-padded to a fixed length).
    .replace(/(sun_path=@"socklab-[\w-]+?-)\d+"/g, '$1PID"')
    // An autobound AF_UNIX name (bind with only the family): five hex digits the kernel picks.
    .replace(/sun_path=@"[0-9a-f]{5}"/g, 'sun_path=@"AUTOBIND"')
    // Control messages: cmsghdr is 12 bytes on wasm32, 16 on x86-64 (strace prints the tracee's sizes).
    .replace(/cmsg_len=\d+/g, 'cmsg_len=N')
    .replace(/msg_controllen=[1-9]\d*/g, 'msg_controllen=N')
    .replace(/inet_addr\("[^"]*"\)/g, 'inet_addr(ADDR)')
    // A sockaddr_in given AF_UNIX (tests/c/diff_errno_*.c): its sun_path begins with the port's two bytes.
    .replace(/(sa_family=AF_UNIX, sun_path=")((?:\\[0-7]{1,3}|\\.|[^"\\])*)("\}, 16\))/g, (_m, head: string, body: string, tail: string) =>
      `${head}PORT${(body.match(/\\[0-7]{1,3}|\\.|[^"\\]/g) ?? []).slice(2).join('')}${tail}`)
    // msg_iovlen is a size_t: 32 bits on wasm32, so (size_t)-1 is 4294967295.
    .replace(/msg_iovlen=18446744073709551615\b/g, 'msg_iovlen=4294967295')
    // An iovec array longer than the program's one iovec: the rest is whatever follows it on the stack.
    .replace(/msg_iov=\[.*\], msg_iovlen=1025\b/g, 'msg_iov=[STACK], msg_iovlen=1025')
    // SCM_RIGHTS data cut by msg_controllen: x86-64's cmsghdr leaves room for a second int (CMSG_SPACE's padding, 0), wasm32's does not.
    .replace(/(cmsg_type=SCM_RIGHTS, cmsg_data=\[[^\]]*?), FD<stdio>(\]\}\], msg_controllen=N, msg_flags=0\}, 0\) = -1 EINVAL)/, '$1$2')
    .replace(/inet_pton\(AF_INET6, "[^"]*", &sin6_addr\)/g, 'inet_pton(AF_INET6, ADDR, &sin6_addr)')
    // The error-path programs' unreadable pointer (tests/c/diff_errno.h BADP): past linear memory under socklab, page 0 natively.
    .replace(/(?<=[(, =])0x(?:1|fffffff0)(?=[,)}\]])/g, 'BADP')
    .replace(/0x[0-9a-f]{4,}(?! \/\*)/g, 'PTR')
    // ICMP_FILTER given fewer than 4 bytes: strace 6.1 prints its own uninitialised stack beyond them (bits 8-31 vary).
    .replace(/(ICMP_FILTER, )~?\[[^\]]*\](, (?:[1-3]|\[(?:-?\d+ => )?[1-3]\])\))/g, '$1[SHORT]$2')
    // ucred: pids and ids are the machine's.
    .replace(/\{pid=[1-9]\d*, uid=\d+, gid=\d+\}/g, '{pid=PID, uid=UID, gid=GID}')
    // F_GETLK's answer names the holder's pid.
    .replace(/(, l_pid=)[1-9]\d*\}/g, '$1PID}')
    // F_SETOWN's owner, F_GETOWN_EX's (glibc's F_GETOWN): the process's pid.
    .replace(/(F_SETOWN, )[1-9]\d*/g, '$1PID')
    .replace(/(\{type=F_OWNER_(?:PID|PGRP|TID), pid=)[1-9]\d*/g, '$1PID')
    // The same cut short by a small getsockopt length: a pid, or its first bytes (zero where no peer was set).
    .replace(/\{pid=(?:[1-9]\d*|"(?!(?:\\x00)+")(?:\\x[0-9a-f]{2})+")(?=[,}])/g, '{pid=PID')
    // epoll_data_t: a program that sets data.fd leaves the upper half as it was (stack contents differ).
    .replace(/data=\{u32=(\d+), u64=\d+\}/g, 'data={u32=$1}')
    // A timer's time left, an absolute expiry: the clocks differ.
    .replace(/it_value=\{tv_sec=\d+, tv_nsec=[1-9]\d*\}/g, 'it_value=TIME')
    // select's, ppoll's and pselect6's time left: a little time passes within the call natively, none on the virtual clock.
    .replace(/left \{tv_sec=\d+, tv_[nu]sec=\d+\}/g, 'left TIME')
    // rmem_max/wmem_max are often tuned: a clamped buffer size is the machine's.
    .replace(/(SO_(?:RCV|SND)BUF, )\[(\d{6,})\]/, '$1[MAX]')
    .replace(/ +=/, ' =');
}

/** The compared lines of a trace: the socket calls, and fcntl on socket fds (wasi-libc's stdio set-up has no native counterpart). */
/**
 * An inet socket's -yy details with what differs between the machine and the virtual network (the
 * inode, ports) replaced, and in a form stripDecorations leaves: `5«UDP:[127.0.0.1:PORT->127.0.0.1:PORT]»`.
 */
export function keepSocketDetails(line: string): string {
  return line.replace(/(?<![\w"])(\d+)<((?:TCP|UDP)(?:v6)?):\[((?:\[[^\]]*\]|->|[^\][<>])*)\]>/g, (_m, fd: string, kind: string, inner: string) =>
    `${fd}«${kind}:[${/^\d+$/.test(inner) ? 'INODE' : inner.replace(/:\d+(?=->|$)/g, ':PORT')}]»`);
}

export function lines(trace: string, calls = CALLS, byPid = false, details = false): string[] {
  // socklab's stdio are pipes to the host (docs/trace-format.md): their dups too are the machine's terminal natively.
  const stdio = new Set([...trace.matchAll(/(?<![\w"])[012]<(pipe:\[\d+\])>/g)].map((m) => m[1]!));
  const raw = trace.split('\n').filter((l) => !STDIO_SETUP.test(l) && !LOADER.test(l));
  const own = stdio.size ? raw.map((l) => l.replace(/(\d+)<(pipe:\[\d+\])>/g, (m, fd: string, d: string) => (stdio.has(d) ? `${fd}</dev/stdio>` : m))) : raw;
  // A call a signal interrupted and the kernel restarted (SIGCHLD): strace shows "= ? ERESTARTSYS", then the call again.
  const joined = dropGaiProbes(dropNscd(joinRestarted(joinResumed(own)).filter((l) => !/ = \? ERESTART/.test(l))));
  const out = joined.map((l) => normalise(details ? keepSocketDetails(l) : l));
  if (!byPid) return out.filter((l) => calls.test(l) && !GLIBC_ISATTY.test(l));
  // Each line tagged with its process's rank in pid order ("#0 " the first process): pids are handed out in fork order on both sides.
  const pids = joined.map((l) => Number((/^(?:\[pid +(\d+)\] |(\d+) +)/.exec(l) ?? []).slice(1).join('') || 0));
  const rank = new Map([...new Set(pids.filter((_p, i) => calls.test(out[i]!)))].sort((a, b) => a - b).map((p, i) => [p, i]));
  return out.flatMap((l, i) => (calls.test(l) && !GLIBC_ISATTY.test(l) ? [`#${rank.get(pids[i]!)} ${l}`] : []));
}

/**
 * glibc's NSS calls (gethostbyname, getservbyname...) first try nscd: a socket, a connect to
 * /var/run/nscd/socket that fails where no nscd runs, a close. Library internals: left out.
 */
export function dropNscd(raw: string[]): string[] {
  const drop = new Set<number>();
  const pidOf = (l: string): string => (/^(?:\[pid +(\d+)\] |(\d+) +)/.exec(l) ?? []).slice(1).join('');
  raw.forEach((l, i) => {
    const m = /connect\((\d+)(?:<[^>]*>)?, \{sa_family=AF_UNIX, sun_path="\/var\/run\/nscd\/socket"\}/.exec(l);
    if (!m) return;
    const pid = pidOf(l);
    drop.add(i);
    for (let j = i - 1; j >= 0; j--) {
      if (pidOf(raw[j]!) === pid && new RegExp(`socket\\(AF_UNIX, [^)]*\\) += ${m[1]}(?:<|$)`).test(raw[j]!)) {
        drop.add(j);
        break;
      }
    }
    for (let j = i + 1; j < raw.length; j++) {
      if (pidOf(raw[j]!) === pid && raw[j]!.includes(`close(${m[1]}<`)) {
        drop.add(j);
        break;
      }
    }
  });
  return raw.filter((_l, i) => !drop.has(i));
}

/**
 * glibc's getaddrinfo with AF_UNSPEC (and AI_ADDRCONFIG) asks the kernel itself, which wasi-libc does not: an
 * AF_NETLINK socket to list the interfaces' addresses (bind, getsockname, sendto RTM_GETADDR, recvmsg, close), and,
 * to sort the results (RFC 3484/6724), a UDP socket connect()ed to each (connect, getsockname, a connect to
 * AF_UNSPEC before the next, close), nothing sent. Each such socket's calls, recognised by their shape (the
 * socket() call's arguments, then only those calls on its fd in its process up to its close), are left out;
 * a socket anything else is done with is kept whole.
 */
export function dropGaiProbes(raw: string[]): string[] {
  const drop = new Set<number>();
  const pidOf = (l: string): string => (/^(?:\[pid +(\d+)\] |(\d+) +)/.exec(l) ?? []).slice(1).join('');
  const probes: readonly [RegExp, RegExp][] = [
    [/^socket\(AF_NETLINK, SOCK_RAW\|SOCK_CLOEXEC, NETLINK_ROUTE\) += (\d+)(?:<|$)/, /^(?:bind|getsockname|sendto|recvmsg)$/],
    [/^socket\(AF_INET6?, SOCK_DGRAM\|SOCK_CLOEXEC, IPPROTO_IP\) += (\d+)(?:<|$)/, /^(?:connect|getsockname)$/],
  ];
  raw.forEach((l, i) => {
    const call = l.replace(/^(?:\[pid +\d+\] |\d+ +)/, '');
    for (const [open, allowed] of probes) {
      const m = open.exec(call);
      if (!m) continue;
      const pid = pidOf(l);
      const fd = new RegExp(`^(\\w+)\\(${m[1]}(?:<|[,)])`);
      const mine = [i];
      for (let j = i + 1; j < raw.length; j++) {
        if (pidOf(raw[j]!) !== pid) continue;
        const c = fd.exec(raw[j]!.replace(/^(?:\[pid +\d+\] |\d+ +)/, ''));
        if (!c) continue;
        mine.push(j);
        if (c[1] === 'close') {
          for (const k of mine) drop.add(k);
          break;
        }
        if (!allowed.test(c[1]!)) break;
      }
    }
  });
  return raw.filter((_l, i) => !drop.has(i));
}

/**
 * glibc's select() is the pselect6 system call on x86-64 (no signal mask, the timeout as a
 * timespec); socklab traces the call the program made. The native line, as select's.
 */
export function glibcSelect(line: string): string {
  const m = /^(#\d+ )?pselect6\((.*), (NULL|\{tv_sec=\d+, tv_nsec=\d+\}), NULL\)( = .*)$/.exec(line);
  if (!m) return line;
  const usec = (t: string): string => t.replace(/tv_nsec=(\d+)/g, (_x, ns: string) => `tv_usec=${Math.floor(Number(ns) / 1000)}`);
  return `${m[1] ?? ''}select(${m[2]}, ${usec(m[3]!)})${usec(m[4]!)}`;
}

/** A call another process's line interrupted, "X(args <unfinished ...>" ... "<... X resumed>rest", as one line, where it ended. */
function joinResumed(raw: string[]): string[] {
  const open = new Map<string, string>();
  const out: string[] = [];
  for (const l of raw) {
    const m = /^(\[pid +\d+\] |\d+ +)?(.*)$/.exec(l)!;
    const pid = (m[1] ?? '').replace(/\D/g, '');
    const u = / <unfinished \.\.\.>$/.exec(m[2]!);
    if (u) {
      open.set(pid, m[2]!.slice(0, u.index));
      continue;
    }
    const r = /^<\.\.\. \w+ resumed>(.*)$/.exec(m[2]!);
    if (r && open.has(pid)) {
      out.push(`${m[1] ?? ''}${open.get(pid)}${r[1]}`);
      open.delete(pid);
      continue;
    }
    out.push(l);
  }
  return out;
}
/** Marks a call joinRestarted made of an interrupted call and its restart_syscall: its result is undecoded (sameResult). */
export const RESTARTED = ' \u00abrestarted\u00bb';

/**
 * A call interrupted with ERESTART_RESTARTBLOCK (poll, clock_nanosleep) that the kernel resumed as restart_syscall,
 * `poll(...) = ? ERESTART_RESTARTBLOCK (...)` ... `restart_syscall(<... resuming interrupted poll ...>) = 1`, as the one
 * call it is: the call's line with the restart's result, where the restart ended, marked RESTARTED (strace leaves a
 * restart_syscall's result undecoded). A restart interrupted in turn is resumed by the next restart_syscall.
 */
export function joinRestarted(raw: string[]): string[] {
  const open = new Map<string, string>();
  const out: string[] = [];
  for (const l of raw) {
    const m = /^(\[pid +\d+\] |\d+ +)?(.*)$/.exec(l)!;
    const pid = (m[1] ?? '').replace(/\D/g, '');
    const r = /^restart_syscall\(<\.\.\. resuming interrupted \w+ \.\.\.>\) += (.*)$/.exec(m[2]!);
    if (r && open.has(pid)) {
      if (/^\? ERESTART_RESTARTBLOCK\b/.test(r[1]!)) continue;
      out.push(`${open.get(pid)} = ${r[1]}${RESTARTED}`);
      open.delete(pid);
      continue;
    }
    // Only the signal's delivery and its handler's return come between a call and its restart.
    if (!/^(?:--- |rt_sigreturn\()/.test(m[2]!)) open.delete(pid);
    const i = / += \? ERESTART_RESTARTBLOCK \(.*\)$/.exec(m[2]!);
    if (i) {
      open.set(pid, `${m[1] ?? ''}${m[2]!.slice(0, i.index)}`);
      continue;
    }
    out.push(l);
  }
  return out;
}

/**
 * A restarted call (joinRestarted) and the same call not interrupted on the other side: strace decodes the
 * latter's result (`= 1 ([{fd=3, revents=POLLIN}])`) but not a restart_syscall's, so every line that is a
 * restarted call's on either side is compared without its decoded result.
 */
export function sameResult(a: string[], b: string[]): [string[], string[]] {
  const plain = (l: string): string => l.replace(/^(.* = -?\d+) \(.*\)$/, '$1');
  const restarted = new Set([...a, ...b].filter((l) => l.endsWith(RESTARTED)).map((l) => l.slice(0, -RESTARTED.length)));
  const fix = (l: string): string => (l.endsWith(RESTARTED) ? l.slice(0, -RESTARTED.length) : restarted.has(plain(l)) ? plain(l) : l);
  return [a.map(fix), b.map(fix)];
}

/**
 * glibc's stdio asks whether stdout is a terminal (TCGETS) at its first write, to choose its buffering;
 * wasi-libc asks with fd_fdstat_get, which is no ioctl.
 */
const GLIBC_ISATTY = /^ioctl\(FD<stdio>, TCGETS, PTR\) = -1 ENOTTY\b/;
/** ld.so's close() of the libraries it mapped: a WebAssembly module is linked statically. */
const LOADER = /close\(\d+<\/(?:etc|usr|lib)/;
/** wasi-libc's start-up asks F_GETFL of stdout and of fd 1024 (a preopen probe): no native counterpart. */
const STDIO_SETUP = /(?:^|\] |^\d+ +)fcntl\((?:1|1024)(?:<[^>]*>)?, F_GETFL\)/;

/**
 * Programs compared, each with what its behaviour may legitimately change:
 * `runs`, lines a loop repeats as many times as the machine's buffers allow
 * (a run of equal lines counts as one); `counts`, byte counts that depend on
 * buffer sizes (results of 4 digits and more); `unordered`, calls whose
 * order is the scheduler's (processes) or the compiler's (gcc and clang
 * evaluate printf's arguments in opposite orders): compared as a multiset;
 * `perProcess`, each process's calls in their order (processes matched in pid
 * order, which is fork order on both sides), how they interleave being the
 * scheduler's; `machine`, the TCP send buffer and MSS getsockopt reads are the machine's (its
 * tuning, loopback's MTU) and are compared without their values; `details`, inet sockets' -yy details are compared too (their
 * addresses, as strace keeps them: keepSocketDetails); `epoll`, the epoll, eventfd and timerfd calls are traced too; `ioctl`, ioctl too; `clock`, 4-byte UDP payloads (RFC 868 times) and ctime() strings are from each side's clock; `modes`, umask and the chmod calls are traced too; `open`, openat, creat, mkdir and mkdirat too; `select`, the
 * program calls select(), which glibc makes a pselect6 (glibcSelect); `ignore`, (normalised) lines left out on both
 * sides, calls whose number and results are the scheduler's; `manyCalls`, a native run long enough under strace -yy
 * to need nativeLimit's longer limit.
 */
const PROGRAMS: readonly { name: string; ignore?: RegExp; ioctl?: boolean; machine?: boolean; runs?: boolean; counts?: boolean; unordered?: boolean; epoll?: boolean; ppoll?: boolean; select?: boolean; modes?: boolean; open?: boolean; perProcess?: boolean; details?: boolean; clock?: boolean; proc?: boolean; files?: boolean; sigwait?: boolean; spawn?: boolean; sendfile?: boolean; times?: boolean; mman?: boolean; creds?: boolean; owners?: boolean; ipc?: boolean; futex?: boolean; rw?: boolean; prctl?: boolean; rename?: [RegExp, string]; manyCalls?: boolean }[] = [
  { name: 'net_options' },
  // AF_PACKET: socket's and bind's checks, sockaddr_ll and htons(ETH_P_...) decoding (tests/packet.test.ts has the frames).
  { name: 'pkt_trace' },
  { name: 'net_dualstack' },
  { name: 'net_epipe' },
  { name: 'net_errors' },
  // Linux's AF_UNIX stream takes 236544 bytes before EAGAIN here, socklab's 425984.
  { name: 'net_nonblock', runs: true, counts: true },
  { name: 'net_sockaddr' },
  { name: 'net_states' },
  // Linux's receive buffer holds fewer 1000-byte datagrams than socklab's.
  { name: 'net_udp_more', runs: true },
  { name: 'net_unix_more' },
  { name: 'diff_pipe', runs: true, unordered: true },
  { name: 'diff_dup', unordered: true },
  { name: 'diff_epoll_errors', epoll: true },
  { name: 'diff_epoll_eventfd_timerfd', epoll: true },
  { name: 'diff_epoll_fork', unordered: true, epoll: true },
  { name: 'diff_epoll_pwait', epoll: true },
  { name: 'diff_epoll_tcp', epoll: true },
  { name: 'diff_scm_cred', unordered: true },
  { name: 'diff_scm_ctrunc' },
  { name: 'diff_scm_prefork', unordered: true },
  // The ioctl programs with their ioctl lines (FIONREAD/SIOCINQ, TIOCOUTQ/SIOCOUTQ, SIOCATMARK, FIONBIO, ENOTTY).
  // Not net_ack_loss: its SIOCOUTQ lines print as strace's (`ioctl(3<TCP:[...]>, TIOCOUTQ, [147456]) = 0`), but
  // its values are those of ACKs lost on a cut link between two hosts (tests/tcp-ack.test.ts), which loopback has not.
  { name: 'diff_unix_oob', ioctl: true },
  { name: 'diff_tcp_ioctl', ioctl: true },
  { name: 'diff_tcp_oob', ioctl: true },
  { name: 'diff_udp_rcvbuf', ioctl: true },
  { name: 'diff_unix_sndbuf', ioctl: true },
  { name: 'diff_ppoll', ppoll: true },
  // Textbook programs (UNP, Beej): forked clients and servers, so their calls interleave as the scheduler runs them.
  { name: 'tb_daytime', perProcess: true },
  { name: 'tb_chat', perProcess: true, select: true },
  { name: 'tb_forkecho', perProcess: true },
  { name: 'tb_udpecho', perProcess: true },
  { name: 'tb_nbconnect', select: true },
  { name: 'tb_passfd', perProcess: true },
  { name: 'tb_halfclose', perProcess: true },
  { name: 'tb_names', perProcess: true },
  { name: 'tb_idle', perProcess: true },
  { name: 'tb_udpconnect', details: true },
  { name: 'tb2_strcli', perProcess: true, select: true },
  { name: 'tb2_recvflags', perProcess: true },
  { name: 'tb2_linger', perProcess: true },
  { name: 'tb2_reuseaddr' },
  { name: 'tb2_dualstack' },
  { name: 'tb2_unixdgram', perProcess: true },
  { name: 'tb2_beej' },
  // Round 3 (tests/c/tb3_*.c).
  { name: 'tb3_sarestart', perProcess: true },
  { name: 'tb3_nbselect', select: true },
  { name: 'tb3_pollserv', perProcess: true },
  { name: 'tb3_tcpudp', perProcess: true, select: true },
  { name: 'tb3_udpconc', perProcess: true },
  { name: 'tb3_oob', perProcess: true, select: true },
  { name: 'tb3_readline', perProcess: true },
  { name: 'tb3_spair', perProcess: true },
  // Round 4 (tests/c/tb4_*.c).
  { name: 'tb4_sockopts', perProcess: true },
  { name: 'tb4_accept4', perProcess: true },
  { name: 'tb4_unixabs', perProcess: true },
  { name: 'tb4_nameinfo', perProcess: true },
  { name: 'tb4_selectsrv', perProcess: true, select: true },
  { name: 'tb4_pktinfo', perProcess: true },
  { name: 'diff_pktinfo' },
  { name: 'diff_pktinfo6' },
  // Natively a client's exit (SIGCHLD, ignored) may interrupt the server's poll, which restart_syscall resumes (joinRestarted).
  { name: 'tb4_seqpacket', perProcess: true },
  // Round 5 (tests/c/tb5_*.c).
  { name: 'tb5_dgalarm', perProcess: true },
  { name: 'tb5_shutfork', perProcess: true },
  { name: 'tb5_shutearly' },
  { name: 'tb5_srvterm', perProcess: true },
  { name: 'tb5_lowat', perProcess: true, select: true },
  { name: 'tb5_records', perProcess: true },
  { name: 'tb5_localaddr' },
  { name: 'tb5_udplimits', ioctl: true },
  // Round 6 (tests/c/tb6_*.c).
  { name: 'tb6_http', perProcess: true },
  { name: 'tb6_inetd', perProcess: true },
  { name: 'tb6_nbaccept', select: true },
  { name: 'tb6_unixstream', perProcess: true },
  { name: 'tb6_stopsrv', perProcess: true },
  { name: 'tb6_tcpopts' },
  // How often the nonblocking sender finds its buffer full (and polls for POLLOUT) is the buffers' and the receiver's timing.
  { name: 'tb6_bulk', perProcess: true, runs: true },
  // glibc's getaddrinfo with AF_UNSPEC asks the kernel itself (dropGaiProbes).
  { name: 'tb6_tcpconnect' },
  // Round 7 (tests/c/tb7_*.c: TLPI 56-61, Donahoo & Calvert).
  { name: 'tb7_seqnum', perProcess: true },
  { name: 'tb7_ucase', perProcess: true },
  { name: 'tb7_sigio', perProcess: true },
  { name: 'tb7_bcast', perProcess: true },
  { name: 'tb7_mcast', perProcess: true },
  { name: 'tb7_vote', perProcess: true },
  { name: 'tb7_usxfr', perProcess: true },
  { name: 'tb7_selports', perProcess: true, select: true },
  // Round 10: UNP 17.6's get_ifi_info over the interface ioctls, lo only. SIOCGIFCONF lists this machine's other
  // interfaces and counts in x86_64's 40-byte struct ifreq (wasm32's is 32): its lines are tests/ifaces.test.ts's.
  { name: 'tb10_ifaces', ioctl: true, ignore: /^ioctl\(FD<[^>]*>, SIOCGIFCONF, / },
  // Round 9 (tests/c/tb9_*.c: UNP ch. 30's server designs, ch. 24's heartbeat). Which preforked child accepts which
  // connection is the kernel's choice: those programs' calls are compared as a multiset.
  { name: 'tb9_prefork', unordered: true },
  { name: 'tb9_forkper', unordered: true },
  { name: 'tb9_preflock', unordered: true },
  // How many connections and "done" bytes one select() finds ready at once is timing: its select() calls are left out.
  { name: 'tb9_prefpass', unordered: true, select: true, ignore: /^select\(/ },
  { name: 'tb9_heartbeat', unordered: true },
  { name: 'tb9_prefcount', unordered: true },
  // Which of the two deadlocked F_SETLKW calls fails with EDEADLK is whichever came second: those are left out.
  { name: 'tb9_locks', unordered: true, ignore: /^fcntl\(FD<file>, F_SETLKW, \{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=[01], l_len=1\}\)/ },
  // Round 8 (tests/c/tb8_*.c: Comer & Stevens vol. III, Van Winkle, UNP 14.8).
  { name: 'tb8_udptime', perProcess: true, clock: true },
  { name: 'tb8_mechod', perProcess: true, select: true },
  // A SIGCHLD may or may not interrupt superd's select (EINTR: called again with the same sets).
  { name: 'tb8_superd', perProcess: true, select: true, runs: true, clock: true },
  { name: 'tb8_toupper', perProcess: true, select: true },
  { name: 'tb8_stdio', perProcess: true },
  // The client's select() times out at least once before each piece the servers send (more than once natively on a slow machine).
  { name: 'tb8_timeweb', perProcess: true, select: true, runs: true, clock: true },
  // Round 11 (tests/c/tb11_*.c: the Linux man pages' EXAMPLES).
  { name: 'tb11_gaiecho', perProcess: true },
  { name: 'tb11_eventfd', perProcess: true, epoll: true },
  { name: 'tb11_forward', perProcess: true, select: true },
  { name: 'tb11_scmrights', perProcess: true },
  { name: 'tb11_timerfd', epoll: true },
  { name: 'tb11_pollpipe' },
  { name: 'tb11_unixbind', perProcess: true },
  { name: 'tb11_mmsg', perProcess: true },
  { name: 'tb11_signalfd', perProcess: true, epoll: true },
  // Round 12 (tests/c/tb12_*.c: what students hand in, GfG, TutorialsPoint, course handouts, and their usual bugs).
  { name: 'tb12_gfgtcp', perProcess: true },
  { name: 'tb12_gfgudp', perProcess: true },
  { name: 'tb12_bugs', perProcess: true },
  { name: 'tb12_multiclient', perProcess: true, select: true },
  { name: 'tb12_concsrv', perProcess: true },
  // glibc's perror() dup()s stderr and fdopen()s the copy (fcntl F_GETFL, close); musl's writes to fd 2: library internals, left out.
  { name: 'tb12_restart', perProcess: true, ignore: /^(?:fcntl|close)\(FD<stdio>/ },
  // Round 13 (tests/c/tb13_*.c: APUE ch. 16-17).
  { name: 'tb13_ruptime', perProcess: true },
  { name: 'tb13_ruptimeu', perProcess: true },
  { name: 'tb13_ruptimed', perProcess: true },
  { name: 'tb13_servlisten', perProcess: true },
  // send_err's message and status bytes (a write, then a sendmsg) reach one recvmsg or two, as the reader wakes.
  { name: 'tb13_opend', perProcess: true, ignore: /^recvmsg\(FD<UNIX-STREAM>, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="(?:can't|\\0\\1")/ },
  // Error paths (tests/c/diff_errno_*.c): every option's value, bad lengths and pointers, failures.
  { name: 'diff_errno_sockopt', machine: true, manyCalls: true },
  { name: 'diff_errno_state' },
  { name: 'diff_errno_socket', perProcess: true },
  { name: 'diff_errno_io' },
  { name: 'diff_errno_fd', select: true, epoll: true, ioctl: true },
  { name: 'diff_fsmodes', modes: true },
  // The dynamic loader's own opens (ld.so.cache, libc.so.6) have no counterpart in a wasm module; wasi-libc's fopen
  // asks the new stream's flags (F_GETFL), glibc's does not.
  { name: 'diff_openmode', open: true, ignore: /^openat\(AT_FDCWD, "\/(?:etc|usr|lib)|^fcntl\(FD<file>, F_GETFL\) = 0x1 / },
  // Named pipes (tests/c/diff_fifo.c): TLPI 44.8's seqnum server and clients over FIFOs, fifo_open's rules, mknod's errors.
  // glibc's opendir opens with O_CLOEXEC, wasi-libc's without: library internals, left out.
  // A client unlinks its FIFO as the server closes it: natively the close shows it (deleted) or not, as they race.
  { name: 'diff_fifo', open: true, perProcess: true, epoll: true, select: true, rename: [/FD<file>\(deleted\)/g, 'FD<file>'], ignore: /^openat\(AT_FDCWD, "\/(?:etc|usr|lib)|^openat\(AT_FDCWD, "[^"]*", O_RDONLY\|O_NONBLOCK(?:\|O_CLOEXEC)?\|O_DIRECTORY\)/ },
  // Resource limits, sessions and process groups, sigaltstack (`proc`: those calls traced too, pids as ranks).
  // glibc's start-up asks for RLIMIT_STACK (prlimit64), which wasi-libc does not.
  { name: 'diff_procapi', perProcess: true, proc: true, ignore: /^prlimit64\(0, RLIMIT_STACK, NULL, / },
  // Decoding torture (tests/c/diff_dec_*.c): every argument strace decodes, with odd and bad values.
  // sigwait, sigwaitinfo, sigtimedwait (`sigwait`: rt_sigtimedwait, kill, rt_sigprocmask traced too, pids as ranks).
  { name: 'diff_sigwait', perProcess: true, sigwait: true },
  // setjmp and longjmp (no system calls): the masks sigsetjmp saves and siglongjmp restores, the interrupted calls and signals.
  { name: 'diff_setjmp', perProcess: true, sigwait: true },
  { name: 'diff_dec_sock' },
  { name: 'diff_dec_io', ioctl: true, select: true },
  // The file calls (`files`: FILE_CALLS traced, glibc's fstat as the newfstatat it makes, getdents64's sizes).
  // Left out: glibc's stdio, opendir and ld.so fstat their streams, directories and libraries; wasi-libc refuses ftruncate(-1) itself
  // (EINVAL, no call).
  { name: 'diff_dec_file', files: true, ignore: /^fstat\(FD<(?:stdio|pipe|file)>, \{st_mode=S_IF(?:IFO|CHR|DIR|REG\|0755|REG\|0644, st_size=\d{4,})|^ftruncate\(FD<file>, 18446744073709551615\)/ },
  // Device files by path (tests/c/diff_devnodes.c): poll, select, epoll_ctl's EPERM for null/zero/full/urandom, close.
  // isatty() is wasi-libc's fd_fdstat_get (traced as fcntl F_GETFL), glibc's ioctl TCGETS: library internals, left out.
  { name: 'diff_devnodes', select: true, epoll: true, ignore: /^fcntl\(FD<stdio>, F_GETFL\)/ },
  // syslog(3) with no /dev/log (tests/c/diff_syslog.c): glibc's lazy socket, failed connect and close, call for call.
  { name: 'diff_syslog' },
  // TLPI (tests/c/tl_*.c: tests/tlpi.test.ts compares their output). Not tl_ud_ucase (its client's socket names carry
  // the pid) nor tl_scm (scm_cred_send leaves msg_flags uninitialised, as the book does).
  { name: 'tl_us_xfr', perProcess: true },
  { name: 'tl_i6d_ucase', perProcess: true },
  { name: 'tl_socknames', perProcess: true },
  // <termios.h> on /dev/null, a pipe, a socket and a bad fd (tests/c/diff_termios.c): glibc's ioctls, ENOTTY/EBADF.
  { name: 'diff_termios', ioctl: true },
  // posix_spawn's failures (tests/c/diff_spawn.c, `spawn`: execve, wait4, dup2, openat traced, waited pids as ranks). glibc's child
  // reports to the parent through shared memory (clone3 CLONE_VM|CLONE_VFORK, not traced here), socklab's through an O_CLOEXEC
  // pipe: its closes are left out, as are ld.so's opens and the program's own execve.
  { name: 'diff_spawn', perProcess: true, spawn: true, ignore: /^close\(FD<pipe>\)|^openat\(AT_FDCWD, "\/(?:etc|usr|lib)|^execve\("[^"]*diff_spawn"/ },
  // sendfile(2) (tests/c/diff_sendfile.c): to a pipe, a file and sockets, with and without an offset, and its errors.
  { name: 'diff_sendfile', sendfile: true },
  // times(2) (tests/c/diff_times.c): its result is ticks since boot, the machine's uptime natively (TICKS).
  { name: 'diff_times', times: true },
  // read(2) and write(2) (tests/c/diff_rw.c): the SDK's own calls, traced as strace shows a C program's, with their errors.
  // Natively the dynamic loader reads libc.so's ELF header first.
  { name: 'diff_rw', rw: true, ignore: /^read\(FD<file>, "\\177ELF/ },
  // mmap and friends (`mman`: MMAN_CALLS traced, from the program's first munmap on: glibc's start-up maps its libraries
  // first). Addresses differ (PTR); a mapping's fd is the program's file either side.
  { name: 'diff_mmap', mman: true },
  // Credentials (tests/c/diff_creds.c, run natively as root): `creds`, the id calls, kill, and pids in ucred as ranks.
  // Left out: how each libc's stdio opens and closes /etc/passwd and /etc/group (wasi-libc's fdopen asks F_GETFL; glibc's
  // nss closes its files and libraries), whose content tests/creds.test.ts compares.
  { name: 'diff_creds', perProcess: true, creds: true, ignore: /^(?:fcntl|close)\(FD<file>/ },
  // System V IPC (`ipc`: ipcText). The GETNCNT polls before the set is removed are as many as the scheduler makes.
  { name: 'sysv_msg', perProcess: true, ipc: true },
  { name: 'sysv_sem', perProcess: true, ipc: true, ignore: /^semctl\(S\d+, 1, GETNCNT, NULL\) = 0$/ },
  { name: 'sysv_shm', perProcess: true, ipc: true },
  { name: 'sysv_shm_attach', perProcess: true, ipc: true },
  // File owners (tests/c/diff_owners.c, run natively as root): the chown family and the id calls (statfs's numbers are each filesystem's).
  { name: 'diff_owners', perProcess: true, creds: true, owners: true },
  // POSIX semaphores and shm_open (tests/c/diff_sem.c): their opens of /dev/shm as glibc's, and the closes. glibc's temporary
  // sem.XXXXXX names are random (socklab's repeat) and the dynamic loader's opens have no counterpart; the futex lines are
  // left out: natively, whether a child already sleeps when its parent posts is the machine's timing (docs/abi.md). The closes
  // of /dev/shm files too: Linux's -yy marks an fd "(deleted)" once its name is unlinked though another link (sem.NAME) keeps
  // the file, socklab's only once the file has no link.
  // Its /dev/shm names carry the run's directory's inode (natively /dev/shm is the machine's): `rename` makes them one.
  { name: 'diff_sem', perProcess: true, open: true, rename: [/\b(diff(?:sem|shm))\.[0-9a-f]+/g, '$1.X'], ignore: /^openat\(AT_FDCWD, "\/(?:etc|usr|lib)|sem\.[A-Za-z0-9]{6}"|^close\(FD<stdio>(?:\(deleted\))?\) = 0$/ },
  // futex(2) itself (tests/c/posixsem_futex.c, `futex`): its errnos, timeouts and interrupted waits. Left out: the shared-word
  // waits and wakes, whose order and counts are the machine's timing natively (a child may come to its wait after the wake).
  { name: 'posixsem_futex', perProcess: true, futex: true, ignore: /^futex\([^,]+, FUTEX_WA(?:IT|KE)[,|]/ },
  // prctl(2) and fchdir(2) (tests/c/diff_prctl.c, `prctl`): the name, pdeathsig, subreaper and flag options, fchdir and addfchdir_np.
  // socklab's posix_spawn reports to the parent through an O_CLOEXEC pipe (glibc's through shared memory): pipe closes left out.
  { name: 'diff_prctl', perProcess: true, prctl: true, ignore: /^close\(FD<pipe>\)/ },
  // Not tb2_epollet: how Linux groups four forked clients' data and FINs into epoll_wait results is its timing
  // (tests/textbook.test.ts compares its output and status).
];

/** ppoll and pselect6 (strace's filter names them apart from poll and select). */
const PPOLL_CALLS = ['ppoll', 'pselect6'];

/** The epoll programs' own calls (glibc's epoll_create() is epoll_create1 on x86-64, signalfd() is signalfd4). */
const EPOLL_CALLS = ['epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'eventfd2', 'timerfd_create', 'timerfd_settime', 'timerfd_gettime', 'signalfd4'];

/** File modes (tests/c/diff_fsmodes.c). */
const MODE_CALLS = ['umask', 'chmod', 'fchmod', 'fchmodat'];
/** Opening and making files with their modes (tests/c/diff_openmode.c). */
const OPEN_CALLS = ['openat', 'creat', 'mkdir', 'mkdirat', 'mknodat'];
/** The file calls (tests/c/diff_dec_file.c). */
const FILE_CALLS = ['lseek', 'fstat', 'newfstatat', 'ftruncate', 'fsync', 'fdatasync', 'getdents64', 'unlinkat', 'renameat', 'readlinkat', 'utimensat'];
/**
 * glibc 2.33+'s fstat is newfstatat(fd, "", buf, AT_EMPTY_PATH), wasi-libc's is fd_filestat_get (traced as fstat);
 * getdents64's buffer sizes and byte counts are each libc's and each record format's (glibc also reads once more
 * to find the end, 0 entries), a directory's st_size is its filesystem's.
 */
const fileCalls = (ls: string[]): string[] => ls
  .filter((l) => !/^getdents64\(.*\/\* 0 entries \*\/, \d+\) = 0$/.test(l))
  .map((l) => l
    .replace(/^newfstatat\((FD<[^>]*>|\d+), "", (.*), AT_EMPTY_PATH\)/, 'fstat($1, $2)')
    .replace(/^(getdents64\(.*\*\/), \d+\) = \d+$/, '$1, N) = N')
    .replace(/(st_mode=S_IFDIR\|0\d+, st_size=)\d+/, '$1N'));
/** The resource-limit, session and process-group calls, and sigaltstack (`proc` programs). */
const PROC_CALLS = ['prlimit64', 'setsid', 'setpgid', 'getpgrp', 'getpgid', 'getsid', 'sigaltstack'];

/** What posix_spawn's child does and how its parent reaps it (`spawn` programs). */
const SPAWN_CALLS = ['execve', 'wait4', 'dup2', 'openat'];

/** The traced processes' pids in wait4's argument and result as their rank in pid order, execve's envp address (`spawn` programs). */
export function rankWaitPids(raw: string, ls: string[]): string[] {
  const pids = [...new Set([...raw.matchAll(/^(?:\[pid +(\d+)\] |(\d+) +)/gm)].map((m) => Number(m[1] ?? m[2])))].sort((a, b) => a - b);
  const id = (v: string): string => (pids.includes(Number(v)) ? `P${pids.indexOf(Number(v))}` : v);
  return ls.map((l) => l
    .replace(/^((?:#\d+ )?wait4\()(\d+)(, .* = )(\d+)$/, (_m, head: string, a: string, mid: string, b: string) => `${head}${id(a)}${mid}${id(b)}`)
    // execve's envp, an address followed by strace's count (which normalise leaves, or cuts short, as a flag's comment).
    .replace(/^((?:#\d+ )?execve\(.*, )(?:PTR\w*|0x[0-9a-f]+)( \/\* \d+ vars? \*\/\))/, '$1ENVP$2'));
}
/** mmap and friends (`mman` programs). */
const MMAN_CALLS = ['mmap', 'munmap', 'mprotect', 'msync', 'madvise', 'mlock', 'munlock', 'mlockall', 'munlockall'];
/** A `mman` program's lines from its first munmap on (before it: glibc's and ld.so's own mappings). */
const fromFirstMunmap = (ls: string[]): string[] => ls.slice(Math.max(0, ls.findIndex((l) => /^(?:#\d+ )?munmap\(NULL, 0\)/.test(l))));
/** The credential calls (`creds` programs: tests/c/diff_creds.c). */
const CRED_CALLS = ['getuid', 'geteuid', 'getgid', 'getegid', 'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'getresuid', 'getresgid', 'getgroups', 'setgroups', 'kill'];
/** System V IPC's calls (`ipc` programs); glibc's semop is the semtimedop system call on x86-64. */
const IPC_CALLS = ['msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semctl', 'shmget', 'shmat', 'shmdt', 'shmctl'];

/**
 * A trace's System V IPC calls with what is the machine's made comparable: natively the ids are those of the
 * machine's IPC namespace, shared with whatever else runs (socklab's is the run's own, from 0), so each id is its
 * rank among the ids msgget/semget/shmget returned (Q0, S0, M0...); keys (ftok of the run's directory), times, pids (msg_lspid, msg_lrpid,
 * shm_cpid, shm_lpid, GETPID's result) are each side's; SETVAL's union semun is printed as a long natively, its upper half the stack's; glibc's
 * semop is semtimedop(..., NULL). shmat's addresses are each side's: named by rank (A0...) and offset; other
 * pointers of the shm calls (a stack variable, shmctl's buffer) are PTR; shmget's SIZE_MAX is size_t's of each side.
 */
export function ipcText(raw: string): string {
  const ids = { Q: new Map<string, string>(), S: new Map<string, string>(), M: new Map<string, string>() };
  const bases: number[] = [];
  const addr = (hex: string): string => {
    const v = Number.parseInt(hex, 16);
    // The nearest attachment at or below it, within a segment's reach.
    let k = -1;
    bases.forEach((b, i) => { if (v >= b && v - b < 1 << 20 && (k < 0 || b > bases[k]!)) k = i; });
    return k < 0 ? 'PTR' : `A${k}+${v - bases[k]!}`;
  };
  const pre = /^((?:\[pid +\d+\] |\d+ +)?)/;
  return raw.split('\n').map((l) => {
    // socklab's -T times (normalise drops them later) after the result.
    let x = l.replace(/ <\d+\.\d+>$/, '').replace(/semtimedop\((.*), NULL(?=\) += | <unfinished)/, 'semop($1');
    const got = /^(?:\[pid +\d+\] |\d+ +)?(msg|sem|shm)get\(.*\) += (\d+)$/.exec(x);
    const kind = (call: string): 'Q' | 'S' | 'M' => (call.startsWith('msg') ? 'Q' : call.startsWith('sem') ? 'S' : 'M');
    if (got) {
      const k = kind(got[1]!);
      const m = ids[k];
      if (!m.has(got[2]!)) m.set(got[2]!, `${k}${m.size}`);
      x = x.replace(/= (\d+)$/, `= ${m.get(got[2]!)}`);
    }
    x = x.replace(new RegExp(`${pre.source}(msg(?:snd|rcv|ctl)|sem(?:op|timedop|ctl)|shm(?:at|ctl))\\((\\d+)`), (_all, head: string, call: string, id: string) =>
      `${head}${call}(${ids[kind(call)].get(id) ?? id}`);
    if (/^(?:\[pid +\d+\] |\d+ +)?shm(?:get|at|dt|ctl)\(/.test(x)) {
      const at = /^(?:\[pid +\d+\] |\d+ +)?shmat\(.*\) += 0x([0-9a-f]+)$/.exec(x);
      if (at && !bases.includes(Number.parseInt(at[1]!, 16))) bases.push(Number.parseInt(at[1]!, 16));
      x = x
        .replace(/^((?:\[pid +\d+\] |\d+ +)?shmget\()0x[0-9a-f]+/, '$1KEY')
        .replace(/^((?:\[pid +\d+\] |\d+ +)?shmget\([^,]+, )(?:18446744073709551615|4294967295),/, '$1SIZE_MAX,')
        .replace(/0x([0-9a-f]+)/g, (_m, hex: string) => addr(hex))
        .replace(/(shm_[cl]pid=)[1-9]\d*/g, '$1PID');
    }
    return x
      .replace(/(SETVAL, )(?:0x([0-9a-f]+)|NULL)/, (_m, head: string, hex?: string) => `${head}[${hex ? Number(BigInt(`0x${hex}`) & 0xffffffffn) : 0}]`)
      // A key made by ftok from the run's own directory (its inode): each side's.
      .replace(/(key=)\d+/g, '$1KEY')
      .replace(/(_[srcoad]time=)[1-9]\d*/g, '$1T')
      .replace(/(msg_l[sr]pid=)[1-9]\d*/g, '$1PID')
      .replace(/(GETPID, NULL\) += )\d+$/, '$1PID');
  }).join('\n');
}

/** The chown family (`owners` programs: tests/c/diff_owners.c). */
const OWNER_CALLS = ['chown', 'fchown', 'lchown', 'fchownat'];

/** The synchronous-signal calls and what they need (`sigwait` programs). */
const SIGWAIT_CALLS = ['rt_sigtimedwait', 'kill', 'rt_sigprocmask'];

/** The traced processes' pids in kill's argument and a siginfo's si_pid as their rank in pid order (`sigwait` programs). */
export function rankSignalPids(raw: string, ls: string[]): string[] {
  const pids = [...new Set([...raw.matchAll(/^(?:\[pid +(\d+)\] |(\d+) +)/gm)].map((m) => Number(m[1] ?? m[2])))].sort((a, b) => a - b);
  const id = (v: string): string => (pids.includes(Number(v)) ? `P${pids.indexOf(Number(v))}` : v);
  return ls.map((l) => l.replace(/^((?:#\d+ )?kill\()(\d+)/, (_m, head: string, v: string) => `${head}${id(v)}`).replace(/si_pid=(\d+)/g, (_m, v: string) => `si_pid=${id(v)}`)
    .replace(/\{pid=(\d+), uid=/g, (_m, v: string) => `{pid=${id(v)}, uid=`));
}

/**
 * The traced processes' pids in the process-group calls (their pid arguments, the ids they return) as
 * `P` and their rank in pid order (fork order on both sides); other numbers (99999, an outside group) stay.
 */
export function rankPids(raw: string, ls: string[]): string[] {
  const pids = [...new Set([...raw.matchAll(/^(?:\[pid +(\d+)\] |(\d+) +)/gm)].map((m) => Number(m[1] ?? m[2])))].sort((a, b) => a - b);
  const id = (v: string): string => (pids.includes(Number(v)) ? `P${pids.indexOf(Number(v))}` : v);
  return ls.map((l) => l
    .replace(/^((?:#\d+ )?(?:getpgid|getsid|setpgid)\()(\d+)(?:, (\d+))?\)/, (_m, head: string, a: string, b?: string) => `${head}${id(a)}${b === undefined ? '' : `, ${id(b)}`})`)
    .replace(/^((?:#\d+ )?(?:getpgid|getsid|getpgrp|setsid)\(.*\) = )(\d+)$/, (_m, head: string, v: string) => `${head}${id(v)}`));
}

/** This file's native builds and runs, removed at the end. */
const work = tempDir('socklab-sdiff-');

/** Runs of equal consecutive lines as one. */
const squeeze = (xs: string[]): string[] => xs.filter((l, i) => l !== xs[i - 1]);

/**
 * How long a program's native run under strace may take. strace -yy looks every socket up (sock_diag) at each call:
 * about 4 ms a call on a quiet machine, 0.1 s on a loaded 2-core one, where diff_errno_sockopt's ~17,700 calls took
 * 78 s and hit the 30 s limit every other program stays far under (10 s at most).
 */
const nativeLimit = (prog: { manyCalls?: boolean }): number => (prog.manyCalls ? 240_000 : 30_000);

describe('trace format against real strace', () => {
  it.each(PROGRAMS.map((p) => [p.name, p] as const))('%s', async (name, prog) => {
    needs('gcc');
    needs('strace');
    const run = nativeTmp(work);
    const exe = join(run.cwd, name);
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
    const out = join(run.cwd, 'strace.txt');
    const extra = [...(prog.epoll ? EPOLL_CALLS : []), ...(prog.modes ? MODE_CALLS : []), ...(prog.open ? OPEN_CALLS : []), ...(prog.ppoll ? PPOLL_CALLS : []), ...(prog.ioctl ? ['ioctl'] : []), ...(prog.proc ? PROC_CALLS : []), ...(prog.files ? FILE_CALLS : []), ...(prog.sigwait ? SIGWAIT_CALLS : []), ...(prog.spawn ? SPAWN_CALLS : []), ...(prog.sendfile ? ['sendfile'] : []), ...(prog.times ? ['times'] : []), ...(prog.mman ? MMAN_CALLS : []), ...(prog.creds ? CRED_CALLS : []), ...(prog.ipc ? IPC_CALLS : []), ...(prog.owners ? OWNER_CALLS : []), ...(prog.futex ? ['futex'] : []), ...(prog.rw ? ['read', 'write'] : []), ...(prog.prctl ? ['prctl', 'fchdir'] : [])];
    // restart_syscall: how Linux resumes a poll a signal interrupted (joinRestarted).
    const nativeExtra = [...extra, ...(prog.select && !prog.ppoll ? ['pselect6'] : []), 'restart_syscall'];
    const st = spawnSync('strace', ['-f', '-yy', '-s', '64', '-e', `trace=${['%network', 'close', 'poll', 'select', 'fcntl', ...nativeExtra].join(',')}`, '-o', out, exe], { stdio: 'ignore', timeout: nativeLimit(prog), cwd: run.cwd, env: run.env });
    expect(st.error).toBeUndefined();
    const rawNative = readFileSync(out, 'utf8');
    // Every name the program gives a socket natively is in its run's own directory, none in the machine's /tmp.
    expect(rawNative.split('\n').filter((l) => /bind\(.*sun_path="\/tmp\/.* = 0$/.test(l))).toEqual([]);
    const nativeText = prog.ipc ? ipcText(run.asTmp(rawNative)) : run.asTmp(rawNative);
    if (/PTRACE_TRACEME|Operation not permitted/.test(nativeText.split('\n', 1)[0] ?? '')) throw new Error(`strace cannot trace here: ${nativeText.slice(0, 200)}`);
    const o = await runGuest(name, [], { trace: { classes: ['%net', 'close', 'poll', 'select', 'fcntl', ...extra], strSize: 64, time: 'none', library: false } });
    if (process.env.SOCKLAB_SDIFF_DUMP) {
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.native`), nativeText);
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.socklab`), o.trace ?? '');
    }
    const calls = extra.length ? new RegExp(`${CALLS.source}|^(?:${extra.join('|')})\\(`) : CALLS;
    const by = prog.perProcess ?? false;
    const details = prog.details ?? false;
    let native = prog.select ? lines(nativeText, new RegExp(`${calls.source}|^pselect6\\(`), by, details).map(glibcSelect) : lines(nativeText, calls, by, details);
    let ours = lines(prog.ipc ? ipcText(o.trace ?? '') : o.trace ?? '', calls, by, details);
    if (prog.files) {
      native = fileCalls(native);
      ours = fileCalls(ours);
    }
    if (prog.mman) {
      native = fromFirstMunmap(native);
      ours = fromFirstMunmap(ours);
    }
    if (prog.proc) {
      native = rankPids(nativeText, native);
      ours = rankPids(o.trace ?? '', ours);
    }
    if (prog.spawn) {
      native = rankWaitPids(nativeText, native);
      ours = rankWaitPids(o.trace ?? '', ours);
    }
    if (prog.sigwait || prog.creds) {
      native = rankSignalPids(nativeText, native);
      ours = rankSignalPids(o.trace ?? '', ours);
    }
    // glibc's select() refuses a negative timeout itself (EINVAL, no system call) and carries tv_usec's whole seconds
    // into tv_sec before pselect6; socklab traces the select() the program made.
    if (prog.select) {
      ours = ours
        .filter((l) => !/^(?:#\d+ )?select\(.*\{tv_sec=-|^(?:#\d+ )?select\(.*, tv_usec=-/.test(l))
        .map((l) => l.replace(/^((?:#\d+ )?select\(.*)\{tv_sec=(\d+), tv_usec=(\d{7,})\}/, (_m, head: string, sec: string, usec: string) =>
          `${head}{tv_sec=${Number(sec) + Math.floor(Number(usec) / 1e6)}, tv_usec=${Number(usec) % 1e6}}`));
    }
    if (process.env.SOCKLAB_SDIFF_DUMP) {
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.n.native`), `${native.join('\n')}\n`);
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.n.socklab`), `${ours.join('\n')}\n`);
    }
    if (prog.rename) {
      const [re, to] = prog.rename;
      native = native.map((l) => l.replace(re, to));
      ours = ours.map((l) => l.replace(re, to));
    }
    if (prog.ignore) {
      const keep = (l: string): boolean => !prog.ignore!.test(l.replace(/^#\d+ /, ''));
      native = native.filter(keep);
      ours = ours.filter(keep);
    }
    expect(native.length).toBeGreaterThan(0);
    [native, ours] = sameResult(native, ours);
    if (prog.machine) {
      const value = (l: string): string => l.replace(/^((?:#\d+ )?getsockopt\(FD<TCP(?:v6)?>, (?:SOL_SOCKET, SO_SNDBUF|SOL_TCP, TCP_MAXSEG)), (?:\[(?:\d+|MAX)\]|"[^"]*")/, '$1, VAL');
      native = native.map(value);
      ours = ours.map(value);
    }
    if (prog.clock) {
      // RFC 868 time values (tb8_udptime), ctime() strings (tb8_timeweb): each side's clock.
      const clock = (l: string): string => l
        .replace(/^(#\d+ (?:sendto|recvfrom)\(FD<UDP>, )"(?:[^"\\]|\\.)*"(, [24], )/, '$1TIME$2')
        .replace(/"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\\n"/, '"CTIME\\n"');
      native = native.map(clock);
      ours = ours.map(clock);
    }
    if (prog.times) {
      const ticks = (l: string): string => l.replace(/^((?:#\d+ )?times\(.*\)) += \d+$/, '$1 = TICKS');
      native = native.map(ticks);
      ours = ours.map(ticks);
    }
    if (prog.counts) {
      native = native.map((l) => l.replace(/= \d{4,}$/, '= N'));
      ours = ours.map((l) => l.replace(/= \d{4,}$/, '= N'));
    }
    if (by) {
      const rankOf = (l: string): number => Number(/^#(\d+)/.exec(l)![1]);
      // A stable sort: each process's lines stay in their order.
      native = native.sort((a, b) => rankOf(a) - rankOf(b));
      ours = ours.sort((a, b) => rankOf(a) - rankOf(b));
    }
    // After the sort: a process's run of equal lines is one however other processes' lines cut it.
    if (prog.runs) {
      native = squeeze(native);
      ours = squeeze(ours);
    }
    if (prog.unordered) {
      native = native.sort();
      ours = ours.sort();
    }
    // SO_RCVTIMEO/SO_SNDTIMEO: strace 6.1 names them SO_RCVTIMEO_OLD/SO_SNDTIMEO_OLD and prints a timeval's raw bytes where
    // socklab decodes it ({tv_sec=.., tv_usec=..}, docs/trace-format.md): their values are compared where both decoded them.
    const timeo = /^((?:#\d+ )?(?:get|set)sockopt\(FD<[^>]*>, SOL_SOCKET, SO_(?:RCV|SND)TIMEO), (?:"(?:[^"\\]|\\.)*"|\{[^}]*\}|\[[^\]]*\]|PTR|BADP|NULL)/;
    const mask = (l: string): string => l.replace(/_OLD\b/g, '').replace(timeo, '$1, VAL');
    expect(ours.map(mask)).toEqual(native.map(mask));
  }, 300_000);
});

/** The signal calls, signal deliveries and the calls signals interrupt, for programs using alarm/setitimer and handlers. */
const SIG_FILTER = ['%signal', 'alarm', 'setitimer', 'getitimer', 'recvfrom', 'clock_nanosleep'];
function sigLines(trace: string): string[] {
  return trace
    .split('\n')
    .map((l) =>
      l
        .replace(/^\[pid +\d+\] |^\d+ +/, '')
        .replace(/ <\d+\.\d+>$/, '')
        .replace(/ +=/, ' =')
        .replace(/0x[0-9a-f]+/g, 'PTR')
        .replace(/\d+<[^<>]*>/g, 'FD')
        .replace(/^(\w+)\(\d+,/, '$1(FD,')
        // Time left on a timer or in an interrupted sleep: the machine's latency natively.
        .replace(/(it_value|rem)=\{tv_sec=\d+, tv_usec=\d+\}/g, '$1={T}')
        .replace(/\}, \{tv_sec=\d+, tv_nsec=\d+\}\) = \? ERESTART_RESTARTBLOCK/, '}, {T}) = ? ERESTART_RESTARTBLOCK')
        .replace(/(getitimer\(ITIMER_REAL, \{it_interval=\{[^}]*\}, it_value=)\{[^}]*\}/, '$1{T}')
        .replace(/(setitimer\(ITIMER_REAL, \{[^)]*\}\}, \{it_interval=\{[^}]*\}, it_value=)\{[^}]*\}/, '$1{T}'),
    )
    .filter((l) => /^(rt_sig|alarm|setitimer|getitimer|kill|pause|recvfrom|clock_nanosleep|--- )/.test(l));
}

/**
 * A native attempt whose timer expired before its sleep began (a loaded machine: the handler ran
 * first, from wherever the program was, and the sleep then lasted its full time), which the program
 * then makes again (tests/c/diff_sig_sleep.c): the timer's setitimer, the delivery, the handler's
 * return to what it interrupted (not a sleep: no EINTR), the uninterrupted sleep; only when the
 * same setitimer follows. socklab's virtual clock never misses, so its trace is left as it is.
 */
export function dropMissedAlarms(xs: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const [arm, sig, ret, sleep, again] = xs.slice(i, i + 5);
    const missed = arm !== undefined && /^setitimer\(ITIMER_REAL, .*\) = 0$/.test(arm)
      && sig === '--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---'
      && ret !== undefined && /^rt_sigreturn\(\{mask=\[\]\}\) = (?!-1 EINTR|\?)/.test(ret)
      && sleep !== undefined && /^clock_nanosleep\(.*\) = 0$/.test(sleep)
      && again === arm;
    if (missed) i += 3;
    else out.push(xs[i]!);
  }
  return out;
}

describe('signal calls and deliveries against real strace', () => {
  it.each(['diff_sig_eintr', 'diff_sig_sleep'])('%s', async (name) => {
    needs('gcc');
    needs('strace');
    const run = nativeTmp(work);
    const exe = join(run.cwd, name);
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
    const out = join(run.cwd, 'strace.txt');
    // A native run cut by the limit would show as a short trace's diff: say so instead.
    const st = spawnSync('strace', ['-f', '-s', '64', '-e', `trace=${SIG_FILTER.join(',')}`, '-o', out, exe], { stdio: 'ignore', timeout: 30_000, cwd: run.cwd, env: run.env });
    expect(st.error).toBeUndefined();
    const native = dropMissedAlarms(sigLines(readFileSync(out, 'utf8')));
    const o = await runGuest(name, [], { trace: { classes: SIG_FILTER, strSize: 64, time: 'none', library: false } });
    expect(native.length).toBeGreaterThan(10);
    expect(sigLines(o.trace ?? '')).toEqual(native);
  });
});

describe('normaliser helpers', () => {
  it("replaces the pid a program put in its socket path, and nothing else of the path", () => {
    expect(normalise('connect(9<UNIX-STREAM:[5840631]>, {sa_family=AF_UNIX, sun_path="/tmp/socklab-scm-cred-27187.sock"}, 110) = 0')).toBe('connect(FD<UNIX-STREAM>, {sa_family=AF_UNIX, sun_path="/tmp/socklab-scm-cred-PID.sock"}, 110) = 0');
    expect(normalise('bind(FD<UNIX-STREAM>, {sa_family=AF_UNIX, sun_path="/tmp/socklab-x.sock"}, 110) = 0')).toContain('sun_path="/tmp/socklab-x.sock"');
  });
  it("reads the error-path programs' bad pointer, a port in a sun_path and a cut pid alike on both sides", () => {
    expect(normalise('bind(3<TCP:[1]>, 0x1, 16) = -1 EFAULT (Bad address)')).toBe(normalise('bind(3<TCP:[2]>, 0xfffffff0, 16) = -1 EFAULT (Bad address)'));
    // Only a pointer argument: a flag's unknown bits and other addresses are left as they are.
    expect(normalise('socket(AF_INET, SOCK_RAW|0x1 /* SOCK_??? */, 0) = -1 EINVAL')).toContain('0x1 /* SOCK_??? */');
    expect(normalise('poll(0x7ffc12345678, 1, 0) = -1 EFAULT (Bad address)')).toBe('poll(PTR, 1, 0) = -1 EFAULT (Bad address)');
    const unix = (path: string): string => normalise(`connect(3<TCP:[1]>, {sa_family=AF_UNIX, sun_path="${path}"}, 16) = -1 EAFNOSUPPORT`);
    expect(unix('\\353\\371\\177')).toBe(unix('\\243\\260\\177'));
    expect(unix('\\353\\371\\177')).not.toBe(unix('\\353\\371\\1'));
    const cred = (v: string): string => normalise(`getsockopt(3<UNIX-STREAM:[1]>, SOL_SOCKET, SO_PEERCRED, ${v}) = 0`);
    expect(cred('{pid="\\x31\\x4a\\x00"}, [3]')).toBe(cred('{pid="\\x01\\x00\\x00"}, [3]'));
    expect(cred('{pid=18993, uid=0}, [8]')).toBe(cred('{pid=1, uid=0}, [8]'));
    // No peer: zero on both sides, compared as it is.
    expect(cred('{pid="\\x00"}, [1]')).toContain('{pid="\\x00"}');
  });

  it('drops a native attempt whose timer expired before its sleep began, and nothing else', () => {
    const arm = 'setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={T}}, NULL) = 0';
    const sig = '--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---';
    const slept = 'clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=0}, PTR) = 0';
    const interrupted = ['clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=0}, {T}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)', sig, 'rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)'];
    expect(dropMissedAlarms([arm, sig, 'rt_sigreturn({mask=[]}) = 0', slept, arm, ...interrupted])).toEqual([arm, ...interrupted]);
    // Not followed by the same setitimer, or the sleep was interrupted, or the handler interrupted a sleep: kept.
    const kept = [arm, sig, 'rt_sigreturn({mask=[]}) = 0', slept, 'setitimer(ITIMER_REAL, {it_interval={tv_sec=1, tv_usec=0}, it_value={T}}, NULL) = 0'];
    expect(dropMissedAlarms(kept)).toEqual(kept);
    const eintr = [arm, sig, 'rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)', slept, arm];
    expect(dropMissedAlarms(eintr)).toEqual(eintr);
    const early = [arm, sig, 'rt_sigreturn({mask=[]}) = 0', interrupted[0]!, arm];
    expect(dropMissedAlarms(early)).toEqual(early);
  });

  it('reads glibc pselect6 as the select() the program called', () => {
    expect(glibcSelect('pselect6(7, [FD<TCP> FD<TCP>], NULL, NULL, NULL, NULL) = 1 (in [6])')).toBe('select(7, [FD<TCP> FD<TCP>], NULL, NULL, NULL) = 1 (in [6])');
    expect(glibcSelect('pselect6(4, [FD<TCP>], NULL, NULL, {tv_sec=1, tv_nsec=500000000}, NULL) = 0 (Timeout)')).toBe('select(4, [FD<TCP>], NULL, NULL, {tv_sec=1, tv_usec=500000}) = 0 (Timeout)');
    // A real pselect6, with a signal mask, stays one.
    const own = 'pselect6(4, [FD<TCP>], NULL, NULL, NULL, {[USR1], 8}) = 1 (in [3])';
    expect(glibcSelect(own)).toBe(own);
  });

  it("keeps inet sockets' details with the inode and ports replaced", () => {
    expect(keepSocketDetails('connect(5<UDP:[0.0.0.0:38068]>, {sa_family=AF_UNSPEC}, 16) = 0')).toBe('connect(5«UDP:[0.0.0.0:PORT]», {sa_family=AF_UNSPEC}, 16) = 0');
    expect(keepSocketDetails('close(4<TCPv6:[[::1]:80->[::1]:41000]>) = 0, 3<UDP:[4530711]>')).toBe('close(4«TCPv6:[[::1]:PORT->[::1]:PORT]») = 0, 3«UDP:[INODE]»');
  });

  it('tags each line with its process in pid order', () => {
    const t = ['900 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3<TCP:[1]>', '901 close(3<TCP:[1]>) = 0', '900 close(3<TCP:[1]>) = 0', '899 +++ exited with 0 +++', ''].join('\n');
    expect(lines(t, CALLS, true)).toEqual(['#0 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD<TCP>', '#1 close(FD<TCP>) = 0', '#0 close(FD<TCP>) = 0']);
  });

  it('reads a poll interrupted and resumed as restart_syscall as the one poll it is, on either side', () => {
    const chld = '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=22297, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---';
    const plain = '#0 poll([{fd=FD<UNIX>, events=POLLIN}], 1, -1) = 1';
    // strace 6.1 natively (`strace -f -e trace=poll,close,restart_syscall`), another process's exit in between.
    const native = [
      '22296 poll([{fd=3<UNIX:[7]>, events=POLLIN}], 1, -1 <unfinished ...>',
      '22297 +++ exited with 0 +++',
      '22296 <... poll resumed>)               = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      `22296 ${chld}`,
      '22296 restart_syscall(<... resuming interrupted poll ...>) = 1',
      '22296 close(3<UNIX:[7]>) = 0',
      '',
    ].join('\n');
    expect(lines(native, CALLS, true)).toEqual([`${plain}${RESTARTED}`, '#0 close(FD<UNIX>) = 0']);
    // socklab's shape (host/trace/strace.ts onRestart), the restart itself cut by another process's line, and interrupted once more.
    const ours = [
      '[pid 1] poll([{fd=3<UNIX:[1000000]>, events=POLLIN}], 1, -1 <unfinished ...>',
      '[pid 1] <... poll resumed>)             = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      `[pid 1] ${chld}`,
      '[pid 1] restart_syscall(<... resuming interrupted poll ...>) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)',
      `[pid 1] ${chld}`,
      '[pid 1] restart_syscall(<... resuming interrupted poll ...> <unfinished ...>',
      '[pid 2] close(3<UNIX:[1000000]>) = 0',
      '[pid 1] <... restart_syscall resumed>)  = 1',
      '',
    ].join('\n');
    expect(lines(ours, CALLS, true)).toEqual([`#1 close(FD<UNIX>) = 0`, `${plain}${RESTARTED}`]);
    // Against the same poll not interrupted: both without strace's decoding of the result; other lines untouched.
    const decoded = `${plain} ([{fd=3, revents=POLLIN}])`;
    const other = '#0 poll([{fd=FD<UNIX>, events=POLLIN}], 2, -1) = 1 ([{fd=4, revents=POLLIN}])';
    expect(sameResult([decoded, other], [`${plain}${RESTARTED}`, other])).toEqual([[plain, other], [plain, other]]);
    expect(sameResult([decoded], [decoded])).toEqual([[decoded], [decoded]]);
    // A call that was not restarted (a handler made it EINTR) is left out as before, and leaves no call open.
    const eintr = ['5 poll([{fd=3<UNIX:[7]>, events=POLLIN}], 1, -1) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)', `5 ${chld}`, '5 rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)', '5 close(3<UNIX:[7]>) = 0', '5 restart_syscall(<... resuming interrupted nanosleep ...>) = 0', ''].join('\n');
    expect(lines(eintr, CALLS)).toEqual(['close(FD<UNIX>) = 0']);
  });

  it("drops glibc getaddrinfo's netlink query and sorting probes, not a program's own sockets of the same kind", () => {
    const nl = [
      '7 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 3<NETLINK:[1]>',
      '7 bind(3<NETLINK:[1]>, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0',
      '7 getsockname(3<NETLINK:[ROUTE:7]>, {sa_family=AF_NETLINK, nl_pid=7, nl_groups=00000000}, [12]) = 0',
      '7 sendto(3<NETLINK:[ROUTE:7]>, [{nlmsg_len=20, nlmsg_type=RTM_GETADDR}], 20, 0, {sa_family=AF_NETLINK}, 12) = 20',
      '7 recvmsg(3<NETLINK:[ROUTE:7]>, {msg_name={sa_family=AF_NETLINK}}, 0) = 20',
      '7 close(3<NETLINK:[ROUTE:7]>) = 0',
    ];
    const sort = [
      '7 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<UDPv6:[2]>',
      '7 connect(3<UDPv6:[2]>, {sa_family=AF_INET6, sin6_port=htons(9)}, 28) = 0',
      '7 getsockname(3<UDPv6:[[::1]:4->[::1]:9]>, {sa_family=AF_INET6}, [28]) = 0',
      '7 connect(3<UDPv6:[[::1]:4->[::1]:9]>, {sa_family=AF_UNSPEC, sa_data="\\0"}, 16) = 0',
      '7 close(3<UDPv6:[[::1]:4->[::1]:9]>) = 0',
    ];
    // Another process's line in between is kept; so is the same process's call on another fd.
    const other = ['8 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[3]>', '7 close(4<TCP:[4]>) = 0'];
    expect(dropGaiProbes([nl[0]!, other[0]!, ...nl.slice(1, 3), other[1]!, ...nl.slice(3), ...sort])).toEqual(other);
    // A program's own UDP socket of the same kind that sends, and a socket never closed: kept whole.
    const own = ['7 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 5<UDP:[5]>', '7 connect(5<UDP:[5]>, {sa_family=AF_INET}, 16) = 0', '7 sendto(5<UDP:[5]>, "x", 1, 0, NULL, 0) = 1', '7 close(5<UDP:[5]>) = 0'];
    expect(dropGaiProbes(own)).toEqual(own);
    expect(dropGaiProbes(sort.slice(0, 3))).toEqual(sort.slice(0, 3));
  });

  it("drops glibc's nscd probe of each process, not the program's own AF_UNIX calls", () => {
    const raw = [
      '10 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3<UNIX-STREAM:[1]>',
      '11 socket(AF_UNIX, SOCK_STREAM, 0) = 3<UNIX-STREAM:[2]>',
      '10 connect(3<UNIX-STREAM:[1]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)',
      '11 close(3<UNIX-STREAM:[2]>) = 0',
      '10 close(3<UNIX-STREAM:[1]>) = 0',
      '10 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3<TCP:[3]>',
    ];
    expect(dropNscd(raw)).toEqual([raw[1], raw[3], raw[5]]);
  });
});
