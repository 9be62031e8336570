// IP addresses as text and bytes: parsing, canonical text (so "::0001" and
// "::1" compare equal), IPv4-mapped IPv6 addresses and loopback tests.
import { isIPv4, isIPv6 } from './iptext.js';

/** "10.0.0.1" -> 4 bytes; "fd00::1" -> 16 bytes. Text that is neither is a host bug or a bad configuration: an Error. */
export function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  const out = new Uint8Array(16);
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) s = s.slice(0, -v4[1]!.length) + '0:0';
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail !== undefined && tail ? tail.split(':').filter(Boolean) : [];
  const words = [...h.map((w) => parseInt(w, 16)), ...Array(8 - h.length - t.length).fill(0), ...t.map((w) => parseInt(w, 16))];
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  if (v4) ipBytes(v4[1]!).forEach((b, i) => (out[12 + i] = b));
  return out;
}

export function ipText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${Array.from(b.subarray(12)).join('.')}`;
  const w = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] === 0) {
      let j = i;
      while (j < 8 && w[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
      i = j;
    } else i++;
  }
  if (best < 0) return w.map((x) => x.toString(16)).join(':');
  return `${w.slice(0, best).map((x) => x.toString(16)).join(':')}::${w.slice(best + bestLen).map((x) => x.toString(16)).join(':')}`;
}

/** Canonical text of an IP (so "::0001" and "::1" compare equal). */
export function canonIp(ip: string): string {
  return ipText(ipBytes(ip));
}
export function isV4Mapped(ip: string): boolean {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7));
}
export function unmap(ip: string): string {
  return isV4Mapped(ip) ? ip.slice(7) : ip;
}
export function isLoopback(ip: string): boolean {
  const u = unmap(ip);
  return u === '::1' || (isIPv4(u) && u.startsWith('127.'));
}
