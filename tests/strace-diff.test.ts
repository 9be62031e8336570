// Differential test of the trace format: C programs run natively under real
// `strace -f -yy -s 64 -e trace=%network,close,poll,select,fcntl` and under
// socklab with the same filter; the lines for socket calls must match once
// what legitimately differs is normalised away (pids, -yy inodes, addresses
// and ports, timings, user-space addresses). Needs gcc and strace.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runGuest } from './helpers.js';
import { needs } from './tools.js';

/** Calls compared: socket calls strace shows natively and socklab carries (no library calls, no loader's close()s). */
const CALLS = /^(socket|socketpair|bind|listen|accept4?|connect|sendto|recvfrom|sendmsg|recvmsg|shutdown|getsockname|getpeername|setsockopt|getsockopt|poll|select|fcntl)\(/;

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
    if (m && prevOk) {
      // Balanced brackets up to the "]>" that closes the decoration; quoted paths may hold anything.
      let j = i + m[0].length;
      let depth = 1;
      let quoted = false;
      for (; j < line.length && depth > 0; j++) {
        const c = line[j]!;
        if (quoted) {
          if (c === '\\') j++;
          else if (c === '"') quoted = false;
        } else if (c === '"') quoted = true;
        else if (c === '[') depth++;
        else if (c === ']') depth--;
      }
      if (depth === 0 && line[j] === '>') {
        const kind = m[2]!;
        // anon_inode:[eventpoll] names its kind inside the brackets.
        const inner = line.slice(i + m[0].length, j - 1);
        out += kind === 'anon_inode' ? `FD<anon_inode:[${inner}]>` : `FD<${kind}>`;
        i = j + 1;
        continue;
      }
    }
    // A path decoration: 3</tmp/x>, 1</dev/pts/0>, 0</dev/null<char 1:3>>.
    const p = prevOk ? /^(\d+)<(\/[^<>]*)(?:<[^<>]*>)?>/.exec(line.slice(i)) : null;
    if (p) {
      out += `FD<${p[2]!.startsWith('/dev/pts/') || p[2] === '/dev/null' ? 'tty' : 'file'}>`;
      i += p[0].length;
      continue;
    }
    out += line[i];
    i++;
  }
  return out;
}

export function normalise(line: string): string {
  return stripDecorations(
    line
      .replace(/^\[pid +\d+\] |^\d+ +/, '')
      .replace(/^\d+\.\d+ /, '')
      .replace(/ <\d+\.\d+>$/, ''),
  )
    .replace(/htons\(\d+\)/g, 'htons(PORT)')
    .replace(/inet_addr\("[^"]*"\)/g, 'inet_addr(ADDR)')
    .replace(/inet_pton\(AF_INET6, "[^"]*", &sin6_addr\)/g, 'inet_pton(AF_INET6, ADDR, &sin6_addr)')
    .replace(/0x[0-9a-f]{4,}(?! \/\*)/g, 'PTR')
    // ucred: pids and ids are the machine's.
    .replace(/\{pid=\d+, uid=\d+, gid=\d+\}/g, '{pid=PID, uid=UID, gid=GID}')
    // rmem_max/wmem_max are often tuned: a clamped buffer size is the machine's.
    .replace(/(SO_(?:RCV|SND)BUF, )\[(\d{6,})\]/, '$1[MAX]')
    .replace(/ +=/, ' =');
}

/** The compared lines of a trace: the socket calls, and fcntl on socket fds (wasi-libc's stdio set-up has no native counterpart). */
export function lines(trace: string): string[] {
  return trace.split('\n').map(normalise).filter((l) => CALLS.test(l) && !/^fcntl\(\d/.test(l));
}

/**
 * Programs compared, each with what its behaviour may legitimately change:
 * `runs`, lines a loop repeats as many times as the machine's buffers allow
 * (a run of equal lines counts as one).
 */
const PROGRAMS: readonly { name: string; runs?: boolean }[] = [
  { name: 'net_options' },
  { name: 'net_epipe' },
  { name: 'diff_epoll_errors' },
];

/** Runs of equal consecutive lines as one. */
const squeeze = (xs: string[]): string[] => xs.filter((l, i) => l !== xs[i - 1]);

describe('trace format against real strace', () => {
  it.each(PROGRAMS.map((p) => [p.name, p] as const))('%s', async (name, prog) => {
    needs('gcc');
    needs('strace');
    const dir = mkdtempSync(join(tmpdir(), 'socklab-sdiff-'));
    const exe = join(dir, name);
    execFileSync('gcc', ['-w', '-O0', '-o', exe, join(ROOT, 'tests', 'c', `${name}.c`)]);
    const out = join(dir, 'strace.txt');
    const st = spawnSync('strace', ['-f', '-yy', '-s', '64', '-e', 'trace=%network,close,poll,select,fcntl', '-o', out, exe], { stdio: 'ignore', timeout: 30_000 });
    expect(st.error).toBeUndefined();
    const nativeText = readFileSync(out, 'utf8');
    if (/PTRACE_TRACEME|Operation not permitted/.test(nativeText.split('\n', 1)[0] ?? '')) throw new Error(`strace cannot trace here: ${nativeText.slice(0, 200)}`);
    const o = await runGuest(name, [], { trace: { classes: ['%net', 'close', 'poll', 'select', 'fcntl'], strSize: 64, time: 'none', library: false } });
    if (process.env.SOCKLAB_SDIFF_DUMP) {
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.native`), nativeText);
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.socklab`), o.trace ?? '');
    }
    let native = lines(nativeText);
    let ours = lines(o.trace ?? '');
    if (process.env.SOCKLAB_SDIFF_DUMP) {
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.n.native`), `${native.join('\n')}\n`);
      writeFileSync(join(process.env.SOCKLAB_SDIFF_DUMP, `${name}.n.socklab`), `${ours.join('\n')}\n`);
    }
    expect(native.length).toBeGreaterThan(0);
    if (prog.runs) {
      native = squeeze(native);
      ours = squeeze(ours);
    }
    // Option values: strace 6.1 prints SO_RCVTIMEO_OLD/short buffers raw where socklab decodes them ({tv_sec=.., tv_usec=..}), so
    // the value argument is compared only where native strace decoded it ([N] or {..}).
    const decoded = (l: string): boolean => /^(?:get|set)sockopt\(FD<[^>]*>, [^,]+, [^,]+, (?:\[|\{)/.test(l);
    const mask = (l: string): string => l.replace(/^((?:get|set)sockopt\(FD<[^>]*>, [^,]+(?: \/\*[^*]*\*\/)?, [^,]+(?: \/\*[^*]*\*\/)?), (?:"[^"]*"|\{[^}]*\}|\[[^\]]*\]|PTR)/, '$1, VAL').replace(/_OLD\b/g, '');
    expect(ours.map((l, i) => (native[i] !== undefined && decoded(native[i]!) ? l : mask(l)))).toEqual(native.map((l) => (decoded(l) ? l : mask(l))));
  });
});
