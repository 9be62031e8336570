// socklab's units, in one place: the command line (host/cli), scenario
// files (host/scenario), grading specs (host/grade) and --inject (host/trace)
// all read durations, sizes and counts with these parsers, so a value means
// the same thing wherever it is written (docs/cli.md, "Units").
//
//   duration  bare number = seconds (like timeout(1)); ns, us, ms, s, m, h
//   size      bare number = bytes; K, M, G, T (powers of 1024; KB, KiB and k alike)
//   count     bare number; K, M, G (powers of 1000: fuel units are counts, not bytes)

/** A value that is not what its field takes. `message` says what was expected and what was given. */
export class UnitError extends Error {}

const got = (s: string | number): string => JSON.stringify(String(s));

const DURATION_UNITS = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * "10" or 10 (seconds), "2.5s", "500ms", "500us", "1m", "1h" -> milliseconds
 * (fractional below one ms). Negative and non-finite values are refused.
 */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new UnitError(`expected a duration (10, 2.5s, 500ms, 500us, 1m; a bare number is seconds), got ${got(v)}`);
    return v * 1000;
  }
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|ms|s|m|h)?$/i.exec(v.trim());
  if (!m) throw new UnitError(`expected a duration (10, 2.5s, 500ms, 500us, 1m; a bare number is seconds), got ${got(v)}`);
  return parseFloat(m[1]!) * DURATION_UNITS[(m[2] ?? 's').toLowerCase() as keyof typeof DURATION_UNITS];
}

const SIZE_UNITS = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 } as const;

/** "4096" or 4096 (bytes), "512K", "64M", "64MiB", "1G" -> whole bytes. */
export function parseSize(v: string | number): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)(i?b)?$/i.exec(String(v).trim());
  if (!m || (typeof v === 'number' && !Number.isFinite(v))) throw new UnitError(`expected a size (4096, 512K, 64M, 1G; a bare number is bytes), got ${got(v)}`);
  return Math.floor(parseFloat(m[1]!) * SIZE_UNITS[m[2]!.toLowerCase() as keyof typeof SIZE_UNITS]);
}

const COUNT_UNITS = { '': 1, k: 1e3, m: 1e6, g: 1e9 } as const;

/** "1000" or 1000, "500K", "200M", "2G" -> a whole count, in powers of 1000. */
export function parseCount(v: string | number): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmg]?)$/i.exec(String(v).trim());
  const n = m ? parseFloat(m[1]!) * COUNT_UNITS[m[2]!.toLowerCase() as keyof typeof COUNT_UNITS] : NaN;
  // 2.5M is a whole count; 2.5 is not.
  if (!Number.isSafeInteger(Math.round(n)) || Math.abs(n - Math.round(n)) > 1e-6) throw new UnitError(`expected a whole count (1000, 500K, 200M, 2G), got ${got(v)}`);
  return Math.round(n);
}

/** A whole number in [min, max], written in decimal digits only ("abc", "-1", "2.5", "1e3" are refused). */
export function parseWhole(v: string, min: number, max: number): number {
  const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UnitError(`expected a whole number from ${min} to ${max}, got ${got(v)}`);
  return n;
}

/** A comma-separated list of whole numbers in [min, max]: "1,2,3". */
export function parseWholeList(v: string, min: number, max: number): number[] {
  const parts = v.split(',');
  const bad = parts.find((p) => !/^\d+$/.test(p.trim()) || Number(p) < min || Number(p) > max);
  if (bad !== undefined) throw new UnitError(`expected whole numbers from ${min} to ${max}, separated by commas, got ${got(v)}`);
  return parts.map((p) => Number(p));
}

/** Writes a duration in ms the way the parsers read it back: 1500 -> "1.5s", 0.5 -> "500us". */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(6)}s`;
  if (ms >= 1) return `${+ms.toFixed(6)}ms`;
  return `${+(ms * 1000).toFixed(3)}us`;
}

/** Writes a byte count the way parseSize reads it back: 65536 -> "64K". */
export function formatSize(n: number): string {
  for (const [u, m] of [['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10]] as const) if (n >= m && n % m === 0) return `${n / m}${u}`;
  return String(n);
}
