// Parsing of the sizes and durations the CLI and scenario files accept.

/** "64M", "1G", "512k", "4096" (bytes) -> bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(s.trim());
  if (!m) throw new Error(`not a size: ${JSON.stringify(s)} (use e.g. 4096, 512K, 64M, 1G)`);
  const mult = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(parseFloat(m[1]!) * mult);
}

/** "1000", "500K", "200M", "2G" -> a count, in powers of 1000 (fuel units are counts, not bytes). */
export function parseCount(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)$/i.exec(s.trim());
  if (!m) throw new Error(`not a count: ${JSON.stringify(s)} (use e.g. 1000, 500M, 2G)`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(parseFloat(m[1]!) * mult);
}

/** "10", "2.5s", "500ms", "1m" -> milliseconds (a bare number is seconds, like timeout(1)). */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(s.trim());
  if (!m) throw new Error(`not a duration: ${JSON.stringify(s)} (use e.g. 10, 2.5s, 500ms, 1m)`);
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm' | 'h'];
  return parseFloat(m[1]!) * mult;
}
