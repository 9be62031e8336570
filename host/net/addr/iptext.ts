// Whether a string is an IPv4 or IPv6 address, with exactly the answers of
// node:net's isIPv4 and isIPv6 (tests/iptext.test.ts compares them). Written
// out rather than imported because node:net's isIPv6 is one large regular
// expression that V8 compiles at its first use: ~9 ms of the kernel's
// thread, on the path of every run (the virtual network parses its hosts'
// addresses), and node:net itself is not needed by a run without real sockets.

/** `s` from `from` to `to` is a dotted quad as Node takes it: four decimals 0-255, no leading zeros. */
function v4At(s: string, from: number, to: number): boolean {
  let parts = 0;
  let i = from;
  while (i <= to) {
    let j = i;
    while (j < to && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    const len = j - i;
    if (len === 0 || len > 3 || (len > 1 && s.charCodeAt(i) === 48)) return false;
    if (Number(s.slice(i, j)) > 255) return false;
    parts++;
    if (j === to) return parts === 4;
    if (s.charCodeAt(j) !== 46 || parts === 4) return false;
    i = j + 1;
  }
  return false;
}

/** "10.0.0.1": as net.isIPv4. */
export function isIPv4(s: string): boolean {
  return v4At(s, 0, s.length);
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** A zone id's characters, as Node's pattern takes them: [0-9a-zA-Z-.:]. */
const isZone = (c: number): boolean => (c >= 48 && c <= 58) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;

/**
 * "fd00::1", "::ffff:10.0.0.1", "fe80::1%eth0": as net.isIPv6. Groups of 1-4 hex digits; a dotted
 * quad may stand for the last two; eight groups, or at most seven with one "::"; an optional zone.
 */
export function isIPv6(s: string): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  else {
    if (end === s.length - 1) return false;
    for (let i = end + 1; i < s.length; i++) if (!isZone(s.charCodeAt(i))) return false;
  }
  let groups = 0;
  let gap = false;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    // Only "::" may start it.
    if (s.charCodeAt(1) !== 58) return false;
    gap = true;
    i = 2;
    if (i === end) return true;
  }
  for (;;) {
    let j = i;
    while (j < end && isHex(s.charCodeAt(j))) j++;
    if (j < end && s.charCodeAt(j) === 46) {
      // A dotted quad ends the address and counts as two groups.
      if (!v4At(s, i, end)) return false;
      groups += 2;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups++;
    if (j === end) break;
    if (s.charCodeAt(j) !== 58) return false;
    if (s.charCodeAt(j + 1) === 58) {
      if (gap) return false;
      gap = true;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return false;
    }
  }
  return gap ? groups <= 7 : groups === 8;
}
