// Reverse coverage of the WASI 0.2 interfaces: every function and resource
// method of wasi:sockets, io, clocks, random, cli and filesystem, as jco's
// own typings of WASI 0.2 list them (@bytecodealliance/preview2-shim's
// types/interfaces/*.d.ts, generated from the WIT), has a signature in
// host/component/signatures.ts, an implementation in socklab's import
// object, and a direct binding (direct.ts) — or is named below as
// deliberately absent, with why. The signature's shape (parameter count,
// whether it returns a value) must agree with jco's typing of the WIT.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { signature, signatureEntries } from '../dist/host/component/signatures.js';
import { buildImports } from '../dist/host/component/imports.js';
import { SOCKLAB_INTERFACES } from '../dist/host/component/interfaces.js';

const DIR = join(ROOT, 'node_modules', '@bytecodealliance', 'preview2-shim', 'types', 'interfaces');
const FAMILIES = /^wasi:(sockets|io|clocks|random|cli|filesystem)\//;

/** In the WIT but not imported from socklab, and why. Keys: interface#Class#jsName. */
const ABSENT: Record<string, string> = {
  'wasi:cli/run##run': 'an export of the component: socklab calls it, it is not an import',
};
/** In signatures.ts but not in jco's 0.2.3 typings, and why. */
const BEYOND: Record<string, string> = {
  'wasi:cli/exit##exitWithCode': '@unstable(feature = cli-exit-with-code) in WASI 0.2: jco\'s typings leave it out, components built with the feature import it',
};

interface Fn {
  key: string;
  params: number;
  returns: boolean;
}

/** The functions and methods of one .d.ts, with their parameter count and whether they return a value. */
function parseDts(src: string): { iface: string; fns: Fn[] } {
  const iface = /@module Interface ([^@\s]+)@/.exec(src)![1]!;
  const body = src.replace(/\/\*[\s\S]*?\*\//g, '');
  const fns: Fn[] = [];
  const count = (ps: string): number => (ps.trim() === '' ? 0 : ps.split(/,(?![^<]*>)/).length);
  for (const m of body.matchAll(/^export function (\w+)\((.*)\): (.*);$/gm)) fns.push({ key: `${iface}##${m[1]}`, params: count(m[2]!), returns: m[3] !== 'void' });
  for (const c of body.matchAll(/^export class (\w+) \{([\s\S]*?)^\s*\}\s*$/gm)) {
    for (const m of c[2]!.matchAll(/^\s*(static\s+)?(\w+)\((.*)\): (.*);$/gm)) {
      if (m[2] === 'constructor') continue;
      expect(m[1], `${iface} ${c[1]}.${m[2]}: a static method (a resource constructor) is new here`).toBeUndefined();
      fns.push({ key: `${iface}#${c[1]}#${m[2]}`, params: count(m[3]!), returns: m[4] !== 'void' });
    }
  }
  return { iface, fns };
}

function witInterfaces(): { ifaces: string[]; fns: Fn[] } {
  const ifaces: string[] = [];
  const fns: Fn[] = [];
  for (const f of readdirSync(DIR)) {
    const src = readFileSync(join(DIR, f), 'utf8');
    const iface = /@module Interface ([^@\s]+)/.exec(src)?.[1] ?? '';
    if (!FAMILIES.test(iface)) continue;
    ifaces.push(iface);
    fns.push(...parseDts(src).fns);
  }
  return { ifaces, fns };
}

describe('WASI 0.2 coverage (reverse: from the WIT to socklab)', () => {
  const { ifaces, fns: wit } = witInterfaces();
  const fake = { kernel: { clock: { now: () => 0 } } } as never;
  const { imports } = buildImports(fake);

  it('reads every interface of the six families from jco\'s typings', () => {
    // Each interface socklab claims is in the WIT, and each WIT interface of the families is claimed (wasi:cli/run is an export).
    expect([...ifaces].sort()).toEqual([...SOCKLAB_INTERFACES, 'wasi:cli/run'].sort());
    expect(wit.length).toBeGreaterThan(100);
  });

  it('every function and method has a signature, an implementation and a direct binding, or is listed as absent', () => {
    const problems: string[] = [];
    for (const f of wit) {
      if (ABSENT[f.key]) continue;
      const [iface, cls, name] = f.key.split('#') as [string, string, string];
      const sig = signature(iface, cls || undefined, name);
      if (!sig) {
        problems.push(`${f.key}: no signature`);
        continue;
      }
      const obj = imports[iface] as Record<string, unknown> | undefined;
      const impl = cls ? (obj?.[cls] as { prototype?: Record<string, unknown> } | undefined)?.prototype?.[name] : obj?.[name];
      if (typeof impl !== 'function') problems.push(`${f.key}: no implementation`);
      else if (typeof (impl as unknown as Record<symbol, unknown>)[Symbol.for('cabiLower')] !== 'function') problems.push(`${f.key}: no direct binding`);
      // The same shape as the WIT: parameters (self aside) and a value returned (a result<_, E> returns none in JS).
      const params = sig.params.length - (cls ? 1 : 0);
      const r = sig.result;
      const returns = r !== undefined && !(r.k === 'result' && r.ok === undefined);
      if (params !== f.params || returns !== f.returns) problems.push(`${f.key}: signature has ${params} params, returns ${returns}; the WIT ${f.params}, ${f.returns}`);
    }
    expect(problems).toEqual([]);
  });

  it('names nothing the WIT does not have, except what is listed', () => {
    const keys = new Set(wit.map((f) => f.key));
    const extra = signatureEntries().map(([i, c, n]) => `${i}#${c ?? ''}#${n}`).filter((k) => !keys.has(k));
    expect(extra.sort()).toEqual(Object.keys(BEYOND).sort());
    // And each listed absence is really in the WIT (a stale entry fails).
    for (const k of Object.keys(ABSENT)) expect(keys.has(k), k).toBe(true);
  });
});
