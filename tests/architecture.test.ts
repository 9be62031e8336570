// The layering of host/, checked on the import graph parsed from the
// TypeScript sources (docs/architecture.md draws the layers):
//
// - host/ has no import cycle (imports that are type-only are left out:
//   they vanish at compile time and order nothing at load time);
// - the socket layer (host/net/socket/, and host/net/socket.ts until it moves
//   there) imports neither the virtual nor the real network;
// - the networks (host/net/virtual/, real/, unix/) never import each other;
// - nothing outside host/cli/ imports host/cli/;
// - host/runner/ is imported only by host/cli/, host/grade/, host/api.ts and
//   host/trace/api.ts;
// - host/net/addr/ (constants and address formats, no state) imports nothing
//   else of host/net/;
// - the kernel (and host/abi) names nothing of the loader or the components,
//   not even a type, and the loader imports nothing of the components.
//
// Known violations sit in the allow-lists below. An entry that no longer
// happens fails the test too, so the lists only shrink.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');

/** Known import cycles, each as the set of files in it (a strongly connected component). */
const ALLOWED_CYCLES: string[][] = [];

/** Known layering violations, as 'importer -> imported'. */
const ALLOWED_EDGES: string[] = [
];

interface Edge { from: string; to: string; typeOnly: boolean }

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const rel = posix.join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) tsFiles(rel, out);
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

function allTypeOnly(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length > 0 && elements.every((e) => e.isTypeOnly);
}

/** Every relative import, re-export and dynamic import() of a file. */
function importsOf(file: string): Edge[] {
  const sf = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean): void => {
    if (!spec.startsWith('.')) return;
    const to = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && allTypeOnly(c.namedBindings.elements)));
      add(n.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const typeOnly = n.isTypeOnly || (!!n.exportClause && ts.isNamedExports(n.exportClause) && allTypeOnly(n.exportClause.elements));
      add(n.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = n.arguments[0];
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal.text, true);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return edges;
}

const FILES = tsFiles('host');
const EDGES = FILES.flatMap(importsOf);

/** Strongly connected components of more than one file (Tarjan), over value imports. */
function cycles(files: string[], edges: Edge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (!e.typeOnly) next.get(e.from)?.push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.includes(v)) out.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) strong(f);
  return out;
}

const under = (file: string, dir: string): boolean => file.startsWith(dir + '/');
const NETWORKS = ['host/net/virtual', 'host/net/real', 'host/net/unix'];
const RUNNER_USERS = (f: string): boolean =>
  under(f, 'host/cli') || under(f, 'host/grade') || under(f, 'host/runner') || f === 'host/api.ts' || f === 'host/trace/api.ts';

/** The layering rules: a reason for each edge that breaks one. */
function violation(e: Edge): string | undefined {
  if (under(e.from, 'host/net/addr') && under(e.to, 'host/net') && !under(e.to, 'host/net/addr')) return 'host/net/addr/ (no state) imports the rest of host/net/';
  const socketLayer = under(e.from, 'host/net/socket') || e.from === 'host/net/socket.ts';
  if (socketLayer && (under(e.to, 'host/net/virtual') || under(e.to, 'host/net/real'))) return 'the socket layer imports a network';
  const fromNet = NETWORKS.find((n) => under(e.from, n));
  const toNet = NETWORKS.find((n) => under(e.to, n));
  if (fromNet && toNet && fromNet !== toNet) return 'one network imports another';
  if (under(e.to, 'host/cli') && !under(e.from, 'host/cli')) return 'host/cli/ is imported from outside it';
  if (under(e.to, 'host/runner') && !RUNNER_USERS(e.from)) return 'host/runner/ is imported from below it';
  // Components are run by the kernel through the class their loaded form carries: a core module's run loads no component code.
  if (!e.typeOnly && under(e.to, 'host/component') && (under(e.from, 'host/kernel') || under(e.from, 'host/abi'))) return 'the kernel loads component code';
  if (!e.typeOnly && (under(e.from, 'host/kernel') || under(e.from, 'host/abi')) && under(e.to, 'host/loader')) return 'the kernel imports the loader (Binaryen and the module cache come with it)';
  // Not even a type: the kernel defines what it runs (GuestImage, ComponentImage), the layers above fill it in.
  if ((under(e.from, 'host/kernel') || under(e.from, 'host/abi')) && (under(e.to, 'host/loader') || under(e.to, 'host/component'))) return 'the kernel names a type of a layer above it';
  // Components build on the loader (its cache, fuel, Asyncify): the runner hands the loader its component loader (LoadOptions.component).
  if (under(e.from, 'host/loader') && under(e.to, 'host/component')) return 'the loader imports the component layer above it';
  return undefined;
}

describe('architecture: the import graph of host/', () => {
  it('finds the sources and their imports', () => {
    expect(FILES.length).toBeGreaterThan(50);
    for (const e of EDGES) expect(FILES, `${e.from} imports ${e.to}, which does not exist`).toContain(e.to);
  });

  it('has no import cycle (type-only imports aside) beyond the allow-list', () => {
    const found = cycles(FILES, EDGES);
    const allowed = (c: string[]): boolean => ALLOWED_CYCLES.some((a) => c.every((f) => a.includes(f)));
    expect(found.filter((c) => !allowed(c)).map((c) => c.join(' <-> '))).toEqual([]);
    const inCycle = new Set(found.flat());
    const stale = ALLOWED_CYCLES.flat().filter((f) => !inCycle.has(f));
    expect(stale, 'no longer in a cycle: remove from ALLOWED_CYCLES').toEqual([]);
  });

  it('keeps the layers: socket layer, networks, cli, runner', () => {
    const broken = [...new Set(EDGES.filter((e) => violation(e)).map((e) => `${e.from} -> ${e.to}`))];
    expect(broken.filter((b) => !ALLOWED_EDGES.includes(b)).map((b) => {
      const [from, to] = b.split(' -> ');
      return `${b}: ${violation({ from: from!, to: to!, typeOnly: false })}`;
    })).toEqual([]);
    expect(ALLOWED_EDGES.filter((a) => !broken.includes(a)), 'fixed: remove from ALLOWED_EDGES').toEqual([]);
  });

  it('catches what it should (the checker itself)', () => {
    const files = ['host/a.ts', 'host/b.ts', 'host/c.ts'];
    expect(cycles(files, [{ from: 'host/a.ts', to: 'host/b.ts', typeOnly: false }, { from: 'host/b.ts', to: 'host/a.ts', typeOnly: false }])).toEqual([['host/a.ts', 'host/b.ts']]);
    expect(cycles(files, [{ from: 'host/a.ts', to: 'host/b.ts', typeOnly: false }, { from: 'host/b.ts', to: 'host/a.ts', typeOnly: true }])).toEqual([]);
    expect(violation({ from: 'host/net/socket/socket.ts', to: 'host/net/virtual/tcp.ts', typeOnly: true })).toBeDefined();
    expect(violation({ from: 'host/net/real/stream.ts', to: 'host/net/unix/paths.ts', typeOnly: false })).toBeDefined();
    expect(violation({ from: 'host/grade/build.ts', to: 'host/cli/guests.ts', typeOnly: false })).toBeDefined();
    expect(violation({ from: 'host/fs/memfs.ts', to: 'host/runner/spec.ts', typeOnly: true })).toBeDefined();
    expect(violation({ from: 'host/net/addr/sockaddr.ts', to: 'host/net/socket.ts', typeOnly: true })).toBeDefined();
    expect(violation({ from: 'host/trace/api.ts', to: 'host/runner/run.ts', typeOnly: false })).toBeUndefined();
    expect(violation({ from: 'host/net/publish.ts', to: 'host/net/real/network.ts', typeOnly: false })).toBeUndefined();
    expect(violation({ from: 'host/kernel/kernel.ts', to: 'host/component/process.ts', typeOnly: false })).toBeDefined();
    expect(violation({ from: 'host/kernel/process.ts', to: 'host/loader/module.ts', typeOnly: true })).toBeDefined();
    expect(violation({ from: 'host/loader/module.ts', to: 'host/component/load.ts', typeOnly: true })).toBeDefined();
    expect(violation({ from: 'host/loader/module.ts', to: 'host/kernel/process.ts', typeOnly: true })).toBeUndefined();
    expect(violation({ from: 'host/component/load.ts', to: 'host/loader/module.ts', typeOnly: false })).toBeUndefined();
  });
});
