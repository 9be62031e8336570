// host/net/addr/iptext.ts against node:net, whose answers it must give: listed
// cases (groups, "::", dotted quads, zones, near misses) and many random strings
// over the characters an address is made of, seeded so a failure repeats.
import { describe, expect, it } from 'vitest';
import * as net from 'node:net';
import { isIPv4, isIPv6 } from '../host/net/addr/iptext.js';

const CASES = [
  '', '.', ':', '::', ':::', '::1', '1::', '1:', ':1', '1::2::3', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4',
  '1.2.3', '1.2.3.4.', '1.2.3.4.5', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4\n', '10.0.0.1', '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1::2:3:4:5:6:7:8', '::1:2:3:4:5:6:7',
  'fe80::1%eth0', 'fe80::1%', '%eth0', 'fe80::1%eth0%1', 'fe80::1%a.b-c:d', 'fe80::1%e_0', '::ffff:10.0.0.1',
  '::10.0.0.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5::1.2.3.4', '1:2:3:4:5:6::1.2.3.4',
  '::1.2.3', '::1.2.3.4.5', '::a1.2.3.4', '::1234.1.1.1', '1.2.3.4::', '12345::', 'ABCD:ef01::', 'g::', '1:2:3:4:5:6:7:8%z',
  '::ffff:1.2.3.04', 'fd00::1', 'fd00:0:0:0:0:0:0:1', '::0001', '0:0:0:0:0:0:0:0', '1:2:3:4:5:6:7:8::', ':1:2:3:4:5:6:7',
];

/** A small seeded generator (mulberry32): the same strings every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('iptext: node:net isIPv4 and isIPv6 without node:net', () => {
  it('answers the listed cases as node:net', () => {
    for (const s of CASES) {
      expect([s, isIPv4(s)]).toEqual([s, net.isIPv4(s)]);
      expect([s, isIPv6(s)]).toEqual([s, net.isIPv6(s)]);
    }
  });

  it('answers random strings as node:net, valid addresses among them', () => {
    const r = rng(18);
    const pick = (chars: string): string => chars[Math.floor(r() * chars.length)]!;
    let v4 = 0;
    let v6 = 0;
    for (let n = 0; n < 200_000; n++) {
      // Address-like: dotted quads, or hex groups around at most a few "::", sometimes ending in a quad or a
      // zone; then, often, one character changed, dropped or doubled.
      const quad = (): string => Array.from({ length: 3 + Math.floor(r() * 2.2) }, () => String(Math.floor(r() * 300)).padStart(r() < 0.05 ? 2 : 1, '0')).join('.');
      let s: string;
      if (r() < 0.3) s = quad();
      else {
        const groups = Array.from({ length: Math.floor(r() * 9) }, () => Array.from({ length: 1 + Math.floor(r() * 4.3) }, () => pick('0123456789abcdefABCDEF')).join(''));
        if (r() < 0.6) groups.splice(Math.floor(r() * (groups.length + 1)), 0, '');
        s = groups.join(':');
        if (s.startsWith(':')) s = `:${s}`;
        if (s.endsWith(':')) s += ':';
        if (r() < 0.2) s += `${s.endsWith(':') ? '' : ':'}${quad()}`;
      }
      if (r() < 0.1) s += `%${pick('e0.:-_%')}${pick('th1')}`;
      if (r() < 0.5 && s.length) {
        const at = Math.floor(r() * s.length);
        const c = r();
        s = c < 0.4 ? s.slice(0, at) + pick('0:.%g ') + s.slice(at + 1) : c < 0.7 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + s[at] + s.slice(at);
      }
      const a4 = net.isIPv4(s);
      const a6 = net.isIPv6(s);
      if (isIPv4(s) !== a4 || isIPv6(s) !== a6) expect({ s, v4: isIPv4(s), v6: isIPv6(s) }).toEqual({ s, v4: a4, v6: a6 });
      if (a4) v4++;
      if (a6) v6++;
    }
    // The generator reaches both kinds of valid address, not only rejections.
    expect(v4).toBeGreaterThan(50);
    expect(v6).toBeGreaterThan(500);
  });
});
