// The sandbox policy of a --net=real run: deny by default. --allow-connect
// and --allow-listen take HOST:PORT patterns; HOST is an address, a CIDR
// range, `localhost` (127.0.0.0/8 and ::1) or `*`; PORT a number, a range
// LOW-HIGH or `*`. IPv6 patterns go in brackets: [::1]:8080, [fd00::/8]:*.
// IPv4-mapped IPv6 addresses are matched as the IPv4 address they carry, so
// ::ffff:10.0.0.1 cannot slip past a rule written for IPv4.
import { isIPv4, isIPv6 } from '../addr/iptext.js';
import { ipBytes, unmap } from '../addr/ipaddr.js';

export interface AddrRule {
  /** The text the user gave, for messages. */
  text: string;
  /** undefined: any address. */
  net?: { bytes: Uint8Array; prefix: number }[];
  ports: [number, number];
}

export interface NetPolicy {
  connect: AddrRule[];
  listen: AddrRule[];
  /** getaddrinfo may use the host's resolver for names other than localhost. */
  dns: boolean;
}

export class PolicyError extends Error {}

function parseNet(host: string): { bytes: Uint8Array; prefix: number }[] | undefined {
  if (host === '*') return undefined;
  if (host.toLowerCase() === 'localhost') return [{ bytes: ipBytes('127.0.0.0'), prefix: 8 }, { bytes: ipBytes('::1'), prefix: 128 }];
  const [ip, len] = host.split('/') as [string, string | undefined];
  const addr = unmap(ip);
  if (!isIPv4(addr) && !isIPv6(addr)) throw new PolicyError(`"${host}" is not an address, a CIDR range, localhost or *`);
  const max = isIPv4(addr) ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!/^\d+$/.test(len ?? '0') || prefix > max) throw new PolicyError(`bad prefix length in "${host}"`);
  return [{ bytes: ipBytes(addr), prefix }];
}

function parsePorts(p: string, rule: string): [number, number] {
  if (p === '*') return [0, 65535];
  const m = /^(\d+)(?:-(\d+))?$/.exec(p);
  if (!m) throw new PolicyError(`bad port "${p}" in "${rule}" (a number, LOW-HIGH or *)`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || lo > hi) throw new PolicyError(`bad port range "${p}" in "${rule}"`);
  return [lo, hi];
}

/** Parses one HOST:PORT pattern (a bare HOST means any port). */
export function parseRule(text: string): AddrRule {
  const t = text.trim();
  let host: string;
  let port = '*';
  const br = /^\[([^\]]+)\](?::(.+))?$/.exec(t);
  if (br) {
    host = br[1]!;
    port = br[2] ?? '*';
  } else if ((t.match(/:/g) ?? []).length > 1) {
    host = t; // a bare IPv6 address or range: any port
  } else {
    const i = t.lastIndexOf(':');
    host = i < 0 ? t : t.slice(0, i);
    if (i >= 0) port = t.slice(i + 1);
  }
  if (!host) throw new PolicyError(`empty address in "${text}"`);
  return { text: t, net: parseNet(host), ports: parsePorts(port, t) };
}

export function parsePolicy(o: { allowConnect?: string[]; allowListen?: string[]; allowDns?: boolean }): NetPolicy {
  return { connect: (o.allowConnect ?? []).map(parseRule), listen: (o.allowListen ?? []).map(parseRule), dns: o.allowDns === true };
}

function inNet(ip: Uint8Array, n: { bytes: Uint8Array; prefix: number }): boolean {
  if (ip.length !== n.bytes.length) return false;
  let bits = n.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (n.bytes[i]! & mask)) return false;
  }
  return true;
}

/** The rule allowing ip:port, or undefined. */
export function allowed(rules: readonly AddrRule[], ip: string, port: number): AddrRule | undefined {
  const u = unmap(ip);
  const bytes = ipBytes(u);
  return rules.find((r) => port >= r.ports[0] && port <= r.ports[1] && (r.net === undefined || r.net.some((n) => inNet(bytes, n))));
}

/**
 * The rule letting a socket join the multicast group ip, or undefined:
 * a membership is an address the host listens on, so it takes an
 * --allow-listen rule covering the group (any of its ports: the port the
 * socket receives on is checked by its bind).
 */
export function allowedGroup(rules: readonly AddrRule[], ip: string): AddrRule | undefined {
  const bytes = ipBytes(unmap(ip));
  return rules.find((r) => r.net === undefined || r.net.some((n) => inNet(bytes, n)));
}

/** Why an address was refused, for the trace and stderr. */
export function refusal(kind: 'connect' | 'listen', ip: string, port: number, rules: readonly AddrRule[]): string {
  const a = `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
  return rules.length ? `policy: ${a} is not in --allow-${kind} (${rules.map((r) => r.text).join(', ')})` : `policy: ${kind === 'listen' ? 'listening on' : 'connecting to'} ${a} refused: no --allow-${kind} given`;
}
