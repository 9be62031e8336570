// /etc/hosts as on Debian: every virtual host has one in its filesystem
// (guests can read it; a scenario can replace it, `etc_hosts:` per host), and
// getaddrinfo follows it, as glibc's "files" source does: every line naming
// the host gives its address, in file order; then the results are sorted
// as glibc sorts them (RFC 6724 with the default policy table).
import { VFS } from '../fs/memfs.js';
import * as fs from 'node:fs';
import { isIPv4, isIPv6 } from './addr/iptext.js';
import { FsSpace, MemDir, MemFile, HostNode, type Vfs } from '../fs/memfs.js';
import type { Process } from '../kernel/process.js';
import { canonIp } from './addr/ipaddr.js';

/** Debian's /etc/hosts for a machine on a network of `hosts`. */
export function defaultEtcHosts(hosts: readonly { name: string; v4: readonly string[]; v6: readonly string[] }[]): string {
  const lines = ['127.0.0.1\tlocalhost'];
  for (const h of hosts) for (const ip of [...h.v4, ...h.v6]) lines.push(`${ip}\t${h.name}`);
  lines.push('', '# The following lines are desirable for IPv6 capable hosts', '::1\tlocalhost ip6-localhost ip6-loopback', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters', '');
  return lines.join('\n');
}

/** This machine's /etc/hosts (for --net=real), if it is a readable regular file of at most 1 MiB. */
export function machineEtcHosts(): string | undefined {
  try {
    const st = fs.statSync('/etc/hosts');
    return st.isFile() && st.size <= 1 << 20 ? fs.readFileSync('/etc/hosts', 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Writes /etc/hosts into a host's filesystem, unless a mount already provides /etc. */
export function installEtcHosts(vfs: Vfs, text: string): void {
  let etc = vfs.root.entries.get('etc');
  if (!etc) vfs.root.entries.set('etc', (etc = new MemDir(vfs.times(), vfs.root)));
  if (!(etc instanceof MemDir) || etc.entries.has('hosts')) return;
  // Its own space, as on Linux where /etc is not the tmpfs: --max-fs counts what the guests write, not this.
  const f = new MemFile(vfs.times(), new FsSpace(1 << 20));
  f.write(new TextEncoder().encode(text), 0);
  etc.entries.set('hosts', f);
}

/** The text of the process's /etc/hosts as it is now (a guest may have changed it), or undefined. */
export function readEtcHosts(p: Process): string | undefined {
  const vfs = p.slots.get(VFS);
  if (!vfs) return undefined;
  try {
    const node = vfs.resolve(vfs.root, '/etc/hosts', true).node;
    if (node instanceof MemFile) {
      const b = new Uint8Array(Math.min(node.size, 1 << 20));
      node.read(b, 0);
      return new TextDecoder().decode(b);
    }
    if (node instanceof HostNode && node.stat.isFile() && node.stat.size <= 1 << 20) return fs.readFileSync(node.path, 'utf8');
  } catch {
    /* no /etc/hosts: no names */
  }
  return undefined;
}

/** glibc's files lookup: the addresses of every line naming `name` (case-insensitive), in file order; canon is the first such line's first name. */
export function lookupEtcHosts(text: string, name: string): { v4: string[]; v6: string[]; canon: string; order: string[] } | undefined {
  const want = name.toLowerCase().replace(/\.$/, '');
  const v4: string[] = [], v6: string[] = [], order: string[] = [];
  let canon: string | undefined;
  for (const raw of text.split('\n')) {
    const [ip, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (!ip || !names.length || !names.some((n) => n.toLowerCase() === want)) continue;
    if (isIPv4(ip)) v4.includes(ip) || (v4.push(ip), order.push(ip));
    else if (isIPv6(ip)) {
      const c = canonIp(ip);
      if (!v6.includes(c)) v6.push(c), order.push(c);
    } else continue;
    canon ??= names[0]!;
  }
  return canon === undefined ? undefined : { v4, v6, canon, order };
}

/** RFC 6724's default precedence of a destination (glibc's table without /etc/gai.conf). */
function precedence(ip: string): number {
  if (isIPv4(ip) || ip.startsWith('::ffff:')) return 35;
  if (ip === '::1') return 50;
  if (/^200[12]:/i.test(ip)) return /^2002:/i.test(ip) ? 30 : 5;
  if (/^f[cd]/i.test(ip)) return 3;
  if (/^fe[c-f]/i.test(ip) || ip === '::' || /^::[0-9.]*$/.test(ip)) return 1;
  return 40;
}

/**
 * Sorts destinations as glibc does (RFC 6724, stable): first the ones this
 * host can reach (rule 1: an IPv6 destination needs an IPv6 address, or
 * loopback; IPv4 likewise), then by precedence (rule 6): ::1 before
 * 127.0.0.1, IPv4 before ULA (fd00::/8) IPv6.
 */
export function sortDestinations<T extends { family: 4 | 6; ip: string }>(addrs: T[], host: { v4: readonly string[]; v6: readonly string[] } | undefined): T[] {
  const usable = (a: T): boolean => {
    if (!host) return true;
    const u = a.ip.startsWith('::ffff:') ? a.ip.slice(7) : a.ip;
    if (u === '::1' || u.startsWith('127.')) return true;
    return isIPv4(u) ? host.v4.length > 0 : host.v6.length > 0;
  };
  return addrs
    .map((a, i) => ({ a, i, u: usable(a) ? 0 : 1, p: precedence(a.ip) }))
    .sort((x, y) => x.u - y.u || y.p - x.p || x.i - y.i)
    .map((x) => x.a);
}
