// Scenario files: several guests on a virtual network, in YAML or JSON
// (docs/scenarios.md, schema in docs/scenario.schema.json). Loading checks
// the file against the schema and the cross-references (hosts named by
// links and processes exist, addresses are valid and unique), reports each
// problem with its line, and turns the file into a RunSpec; C sources named
// as modules are built on demand.
import { existsSync, readFileSync } from 'node:fs';
import { readUserText, USER_FILE_LIMITS, UserFileError } from '../fs/userfile.js';
import { dirname, extname, isAbsolute, join, resolve, basename } from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument } from 'yaml';
import AjvModule from 'ajv';
import type { MountSpec } from '../fs/memfs.js';
import type { ProcessSpec, RunSpec } from './spec.js';
import { packageRoot } from '../toolchain/clang.js';
import { ensureBuilt, ensureBuiltAs } from '../toolchain/guests.js';
import { cacheDir } from '../loader/module.js';
import { parseDuration, parseSize, UnitError } from '../units.js';
import { parseMount } from './mount.js';
import { DEFAULT_MAX_PROCESSES } from '../kernel/kernel.js';

export class ScenarioError extends Error {}

/** The virtual network's configuration, as host/net's createVirtualNetwork takes it. */
export interface NetworkConfig {
  changes?: { atMs: number; a: string; b: string; latencyMs?: number; jitterMs?: number; bandwidthBps?: number; loss?: number; duplicate?: number; reorder?: number }[];
  hosts: { name: string; ipv4?: string[]; ipv6?: string[]; etcHosts?: string; prefix4?: number[] }[];
  lans?: { name: string; hosts: string[]; latencyMs?: number; jitterMs?: number; loss?: number; duplicate?: number; reorder?: number }[];
  links?: { a: string; b: string; latencyMs?: number; jitterMs?: number; bandwidthBps?: number; loss?: number; duplicate?: number; reorder?: number }[];
  partitions?: { a: string; b: string; fromMs: number; toMs: number }[];
}

interface ScenarioFile {
  seed?: number;
  real_time?: boolean;
  net?: 'virtual' | 'real';
  allow?: { connect?: string[]; listen?: string[]; dns?: boolean };
  publish?: string[];
  timeout?: string | number;
  pcap?: { hosts?: string[]; format?: 'pcap' | 'pcapng' };
  limits?: { max_memory?: string | number; max_total_memory?: string | number; max_output?: string | number; max_fds?: number; max_procs?: number; max_fs?: string | number; cpu?: number; virtual_time?: string | number };
  hosts?: { name: string; ipv4?: string[]; ipv6?: string[]; dirs?: string[]; etc_hosts?: string }[];
  links?: { between: [string, string]; latency?: string | number; jitter?: string | number; bandwidth?: string; loss?: number; duplicate?: number; reorder?: number }[];
  lans?: { name: string; hosts: string[]; latency?: string | number; jitter?: string | number; loss?: number; duplicate?: number; reorder?: number }[];
  partitions?: { between: [string, string]; from: string | number; to?: string | number }[];
  events?: { at: string | number; link?: { between: [string, string]; latency?: string | number; jitter?: string | number; bandwidth?: string; loss?: number; duplicate?: number; reorder?: number }; kill?: string }[];
  processes: {
    name?: string; module: string; sources?: string[]; host?: string; args?: (string | number)[]; env?: Record<string, string | number>;
    stdin?: string; start?: string | number; count?: number; raw?: boolean; service?: boolean; keep_running?: boolean;
  }[];
}

type AjvCtor = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as AjvCtor;
let validator: ReturnType<InstanceType<AjvCtor>['compile']> | undefined;
function validate(): NonNullable<typeof validator> {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'docs', 'scenario.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('ipv4', { validate: (s: string) => isIPv4(s) });
    ajv.addFormat('ipv6', { validate: (s: string) => isIPv6(s) });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** "5ms", "1.5s", 20 (seconds: a bare number is seconds everywhere, host/units.ts) -> milliseconds. */
export function durationMs(v: string | number): number {
  try {
    return parseDuration(v);
  } catch (e) {
    throw e instanceof UnitError ? new ScenarioError(e.message) : e;
  }
}
function sizeBytes(v: string | number): number {
  try {
    return parseSize(v);
  } catch (e) {
    throw e instanceof UnitError ? new ScenarioError(e.message) : e;
  }
}
function bandwidthBps(v: string): number {
  const m = /^([0-9.]+)\s*([kKmMgG]?)bit\/s$/.exec(v.trim())!;
  return parseFloat(m[1]!) * { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

export interface LoadedScenario {
  spec: RunSpec;
  /** Every module path the scenario runs (built from sources where needed). */
  modules: string[];
}

/** Reads, validates and resolves a scenario file into a RunSpec. */
export async function loadScenario(path: string, overrides: { seed?: number } = {}): Promise<LoadedScenario> {
  const file = resolve(path);
  let text: string;
  try {
    text = readUserText(file, { maxBytes: USER_FILE_LIMITS.yaml, what: 'scenario file' });
  } catch (e) {
    if (!(e instanceof UserFileError)) throw e;
    throw new ScenarioError(`${path}: ${e.problem === 'missing' || e.problem === 'unreadable' ? `cannot read the scenario file: ${e.reason}` : e.reason}`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new ScenarioError(`${path}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as unknown;
  const where = (ptr: string): string => {
    const keys = ptr.split('/').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    for (let n = keys.length; n >= 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number] } | undefined;
      if (node?.range) return `${path}:${lc.linePos(node.range[0]).line}`;
    }
    return path;
  };
  const v = validate();
  if (!v(data)) {
    if (data === null || data === undefined) throw new ScenarioError(`${path}: the scenario file is empty (docs/scenarios.md has an example)`);
    // Ajv's words name the schema (its regular expressions, "must match a schema in anyOf"); a user wrote a value:
    // say what it should be, with examples, and what it is.
    const got = (ptr: string): string => JSON.stringify(doc.getIn(ptr.split('/').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k))));
    const errors = v.errors ?? [];
    const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
    const detail = (e: (typeof errors)[number]): string => {
      if (e.keyword === 'additionalProperties') return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
      if (e.schemaPath.startsWith('#/definitions/duration/')) return `expected a duration (10, 2.5s, 500ms; a bare number is seconds), got ${got(e.instancePath)}`;
      if (e.schemaPath.startsWith('#/definitions/size/')) return `expected a size (4096, 512K, 64M; a bare number is bytes), got ${got(e.instancePath)}`;
      if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern.includes('bit/s')) return `expected a bandwidth (100Mbit/s, 512kbit/s), got ${got(e.instancePath)}`;
      if (e.keyword === 'anyOf' && /\/ipv4\/\d+$/.test(e.instancePath)) return `expected an IPv4 address, optionally with a prefix length (10.0.0.1, 10.0.0.1/24), got ${got(e.instancePath)}`;
      if (e.keyword === 'required') return `missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
      if (e.keyword === 'type') return `expected ${/^[aeiou]/.test(String((e.params as { type: string }).type)) ? 'an' : 'a'} ${(e.params as { type: string }).type}, got ${got(e.instancePath)}`;
      if (e.keyword === 'enum') return `expected ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(' or ')}, got ${got(e.instancePath)}`;
      // "must be >= 1", "must NOT have fewer than 1 items": what is expected and what was written, as above.
      if (e.keyword === 'minimum' || e.keyword === 'maximum') return `expected a number ${(e.params as { comparison: string }).comparison} ${(e.params as { limit: number }).limit}, got ${got(e.instancePath)}`;
      if (e.keyword === 'minItems' || e.keyword === 'maxItems') return `expected ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${(e.params as { limit: number }).limit} item(s), got ${got(e.instancePath)}`;
      return e.message ?? e.keyword;
    };
    // Each failed branch of an anyOf is reported once, by the anyOf's own message.
    const msgs = errors
      .filter((e) => e.keyword === 'anyOf' || !anyOfAt.has(e.instancePath) || !e.schemaPath.includes('/anyOf/'))
      .map((e) => `${where(e.instancePath)}: ${e.instancePath || '(top level)'}: ${detail(e)}`);
    throw new ScenarioError(`invalid scenario:\n  ${[...new Set(msgs)].join('\n  ')}`);
  }
  const s = data as ScenarioFile;
  const base = dirname(file);
  const problems: string[] = [];

  const hosts = s.hosts ?? [{ name: 'host1' }];
  const names = new Set<string>();
  const addrs = new Set<string>();
  hosts.forEach((h, i) => {
    if (names.has(h.name)) problems.push(`${where(`/hosts/${i}/name`)}: host "${h.name}" is defined twice`);
    names.add(h.name);
    for (const a of [...(h.ipv4 ?? []).map((x) => x.replace(/\/\d+$/, '')), ...(h.ipv6 ?? [])]) {
      if (addrs.has(a)) problems.push(`${where(`/hosts/${i}`)}: address ${a} is used by two hosts`);
      addrs.add(a);
    }
  });
  const known = (h: string, ptr: string): void => {
    if (!names.has(h)) problems.push(`${where(ptr)}: no host named "${h}" (hosts: ${[...names].join(', ')})`);
  };
  (s.links ?? []).forEach((l, i) => l.between.forEach((h) => known(h, `/links/${i}/between`)));
  (s.partitions ?? []).forEach((p, i) => p.between.forEach((h) => known(h, `/partitions/${i}/between`)));
  const onLan = new Map<string, string>();
  const lanNames = new Set<string>();
  (s.lans ?? []).forEach((l, i) => {
    if (lanNames.has(l.name)) problems.push(`${where(`/lans/${i}/name`)}: LAN "${l.name}" is defined twice`);
    lanNames.add(l.name);
    l.hosts.forEach((h, k) => {
      known(h, `/lans/${i}/hosts/${k}`);
      const other = onLan.get(h);
      if (other !== undefined) problems.push(`${where(`/lans/${i}/hosts/${k}`)}: host "${h}" is already on LAN "${other}" (a host has one LAN interface)`);
      else onLan.set(h, l.name);
    });
  });
  s.processes.forEach((p, i) => p.host !== undefined && known(p.host, `/processes/${i}/host`));
  (s.pcap?.hosts ?? []).forEach((h, i) => known(h, `/pcap/hosts/${i}`));
  (s.events ?? []).forEach((e, i) => {
    if (e.link) e.link.between.forEach((h) => known(h, `/events/${i}/link/between`));
    if (!e.link && e.kill === undefined) problems.push(`${where(`/events/${i}`)}: an event needs "link" or "kill"`);
  });
  // A module that is not there is named with its line, before anything is built: paths are the file's, not the shell's.
  s.processes.forEach((p, i) => {
    [p.module, ...(p.sources ?? [])].forEach((m, k) => {
      if (!existsSync(isAbsolute(m) ? m : join(base, m))) {
        problems.push(`${where(k === 0 ? `/processes/${i}/module` : `/processes/${i}/sources/${k - 1}`)}: ${k === 0 ? 'module' : 'source'} ${JSON.stringify(m)}: no such file${isAbsolute(m) ? '' : ` (relative to the scenario's directory, ${base})`}`);
      }
    });
  });
  if (problems.length) throw new ScenarioError(`invalid scenario:\n  ${problems.join('\n  ')}`);

  const network: NetworkConfig = {
    hosts: hosts.map((h) => ({
      name: h.name, ipv4: h.ipv4?.map((a) => a.replace(/\/\d+$/, '')), ipv6: h.ipv6,
      ...(h.etc_hosts !== undefined ? { etcHosts: h.etc_hosts } : {}),
      // 10.0.0.1/24: the prefix gives the subnet broadcast address (default /24).
      ...(h.ipv4?.some((a) => a.includes('/')) ? { prefix4: h.ipv4.map((a) => (a.includes('/') ? Number(a.split('/')[1]) : 24)) } : {}),
    })),
    ...(s.lans?.length ? {
      lans: s.lans.map((l) => ({
        name: l.name, hosts: l.hosts,
        latencyMs: l.latency === undefined ? undefined : durationMs(l.latency),
        jitterMs: l.jitter === undefined ? undefined : durationMs(l.jitter),
        loss: l.loss, duplicate: l.duplicate, reorder: l.reorder,
      })),
    } : {}),
    links: (s.links ?? []).map((l) => ({
      a: l.between[0], b: l.between[1],
      latencyMs: l.latency === undefined ? undefined : durationMs(l.latency),
      jitterMs: l.jitter === undefined ? undefined : durationMs(l.jitter),
      bandwidthBps: l.bandwidth === undefined ? undefined : bandwidthBps(l.bandwidth),
      loss: l.loss, duplicate: l.duplicate, reorder: l.reorder,
    })),
    partitions: (s.partitions ?? []).map((p) => ({ a: p.between[0], b: p.between[1], fromMs: durationMs(p.from), toMs: p.to === undefined ? Number.MAX_SAFE_INTEGER : durationMs(p.to) })),
    changes: (s.events ?? []).filter((e) => e.link).map((e) => ({
      atMs: durationMs(e.at), a: e.link!.between[0], b: e.link!.between[1],
      latencyMs: e.link!.latency === undefined ? undefined : durationMs(e.link!.latency),
      jitterMs: e.link!.jitter === undefined ? undefined : durationMs(e.link!.jitter),
      bandwidthBps: e.link!.bandwidth === undefined ? undefined : bandwidthBps(e.link!.bandwidth),
      loss: e.link!.loss, duplicate: e.link!.duplicate, reorder: e.link!.reorder,
    })),
  };

  const hostMounts: Record<string, MountSpec[]> = {};
  for (const h of hosts) if (h.dirs?.length) hostMounts[h.name] = h.dirs.map((d) => parseMount(d, base));

  // The process limit is checked before any module is built or loaded: a count of 10000 fails at once, not after minutes and gigabytes.
  const total = s.processes.reduce((n, p) => n + (p.count ?? 1), 0);
  if (total > DEFAULT_MAX_PROCESSES) {
    const i = s.processes.findIndex((p) => (p.count ?? 1) > 1);
    throw new ScenarioError(`invalid scenario:\n  ${where(i >= 0 ? `/processes/${i}/count` : '/processes')}: ${total} processes in all, more than the ${DEFAULT_MAX_PROCESSES} one run may hold`);
  }
  const processes: ProcessSpec[] = [];
  const modules: string[] = [];
  for (const p of s.processes) {
    const module = await resolveModule(p.module, p.sources ?? [], base);
    modules.push(module);
    const count = p.count ?? 1;
    for (let i = 1; i <= count; i++) {
      const sub = (x: string | number): string => String(x).replaceAll('{i}', String(i));
      processes.push({
        module,
        name: p.name !== undefined ? sub(p.name) : count > 1 ? `${basename(module)}#${i}` : undefined,
        host: p.host ?? hosts[0]!.name,
        args: (p.args ?? []).map(sub),
        env: Object.entries(p.env ?? {}).map(([k, val]) => `${k}=${val}`),
        stdin: p.stdin,
        startMs: p.start === undefined ? 0 : durationMs(p.start),
        raw: p.raw,
        ...(p.service ?? p.keep_running ? { service: true } : {}),
      });
    }
  }
  (s.events ?? []).forEach((e, i) => {
    if (e.kill !== undefined && !processes.some((p) => p.name === e.kill)) {
      throw new ScenarioError(`invalid scenario:\n  ${where(`/events/${i}/kill`)}: no process named "${e.kill}" (processes: ${processes.map((p) => p.name ?? '?').join(', ')})`);
    }
  });
  const spec: RunSpec = {
    processes,
    seed: overrides.seed ?? s.seed ?? 1,
    realTime: s.real_time,
    ...(s.net ? { net: s.net } : {}),
    ...(s.allow ? { policy: { allowConnect: s.allow.connect, allowListen: s.allow.listen, allowDns: s.allow.dns } } : {}),
    ...(s.publish?.length ? { publish: s.publish.map((x) => { const [r, h, p] = x.split(':'); return { realPort: Number(r), host: h!, port: Number(p) }; }) } : {}),
    timeoutMs: s.timeout === undefined ? undefined : durationMs(s.timeout),
    ...(s.pcap ? { pcapOptions: { ...(s.pcap.hosts ? { hosts: s.pcap.hosts } : {}), ...(s.pcap.format ? { format: s.pcap.format } : {}) } } : {}),
    maxMemory: s.limits?.max_memory === undefined ? undefined : sizeBytes(s.limits.max_memory),
    maxOutput: s.limits?.max_output === undefined ? undefined : sizeBytes(s.limits.max_output),
    ...(s.limits?.max_total_memory !== undefined ? { maxTotalMemory: sizeBytes(s.limits.max_total_memory) } : {}),
    maxFds: s.limits?.max_fds,
    ...(s.limits?.max_procs !== undefined ? { maxProcesses: s.limits.max_procs } : {}),
    maxFs: s.limits?.max_fs === undefined ? undefined : parseSize(String(s.limits.max_fs)),
    ...(s.limits?.cpu !== undefined ? { fuel: s.limits.cpu } : {}),
    ...(s.limits?.virtual_time !== undefined ? { maxVirtualMs: durationMs(s.limits.virtual_time) } : {}),
    hostMounts,
    network,
    kills: (s.events ?? []).filter((e) => e.kill !== undefined).map((e) => ({ atMs: durationMs(e.at), name: e.kill! })),
  };
  return { spec, modules };
}

/**
 * A .wasm path as is; C and AssemblyScript sources are built (once per
 * content) into the cache. `socklab run prog.c` and `--client "prog.c ..."`
 * use it too.
 */
export async function resolveModule(module: string, more: string[], base: string): Promise<string> {
  const abs = (f: string): string => (isAbsolute(f) ? f : join(base, f));
  const m = abs(module);
  if (extname(m) === '.ts') {
    const key = createHash('sha256').update(m).digest('hex').slice(0, 16);
    return ensureBuiltAs(m, join(cacheDir(), 'built', `${basename(m, '.ts')}-${key}.wasm`));
  }
  if (extname(m) !== '.c') return m;
  const sources = [m, ...more.map(abs)];
  const key = createHash('sha256').update(sources.join('\0')).digest('hex').slice(0, 16);
  return ensureBuilt(sources, join(cacheDir(), 'built', `${basename(m, '.c')}-${key}.wasm`));
}
