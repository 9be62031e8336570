// `socklab build --target=component`: a wasm32-wasip1 core module, linked
// with the component SDK (guest/c/component: its socket calls are imports of
// wasi:sockets, wasi:io and wasi:clocks lowered by hand, and it exports
// cabi_realloc), becomes a WASI 0.2 command component. The WIT world of those
// imports is embedded, then wasm-tools' `component new` (vendored by
// @bytecodealliance/jco-transpile) wraps it with the preview1 command adapter,
// which turns wasi-libc's own preview1 calls (stdio, files, clocks, args) into
// wasi:cli/wasi:filesystem/... imports and exports wasi:cli/run.
//
// The adapter and the WASI WIT come from @bytecodealliance/jco's npm tarball
// (pinned, sha256-checked), fetched by scripts/fetch-jco-lib.js into .cache/
// at install or on first use: full jco is not a dependency.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The interfaces the component SDK calls itself (everything else comes through the adapter). */
export const SDK_IMPORTS = [
  'wasi:io/poll',
  'wasi:io/streams',
  'wasi:io/error',
  'wasi:clocks/monotonic-clock',
  'wasi:sockets/network',
  'wasi:sockets/instance-network',
  'wasi:sockets/tcp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp',
  'wasi:sockets/udp-create-socket',
  'wasi:sockets/ip-name-lookup',
];

interface JcoLib {
  dir: string;
  wasiVersion: string;
}

let lib: Promise<JcoLib> | undefined;

/** The adapter and WIT directory, fetched on first use when npm's postinstall did not. root: the socklab package. */
export function jcoLib(root: string): Promise<JcoLib> {
  lib ??= (async () => {
    const script = join(root, 'scripts', 'fetch-jco-lib.js');
    if (!existsSync(script)) throw new Error(`socklab: ${script} is missing (needed to fetch the preview1 adapter)`);
    const m = (await import(pathToFileURL(script).href)) as { fetchLib: () => string; WASI_VERSION: string };
    return { dir: m.fetchLib(), wasiVersion: m.WASI_VERSION };
  })();
  return lib;
}

/**
 * One WIT document: the SDK's world, then each WASI package it uses as a
 * nested `package ... { }` (wasm-tools reads them from one source string, so
 * nothing touches the filesystem).
 */
export function sdkWit(dir: string, version: string): string {
  const world = ['package socklab:sdk;', 'world sockets {', ...SDK_IMPORTS.map((i) => `  import ${i}@${version};`), '}', ''];
  const nested = ['io', 'clocks', 'sockets'].map((p) => readFileSync(join(dir, `wasi-${p}.wit`), 'utf8').replace(/^package ([^;\s]+);/m, 'package $1 {') + '\n}\n');
  return world.join('\n') + nested.join('');
}

/** A wasip1 command module (built with the component SDK) to a WASI 0.2 command component. */
export async function componentize(core: Uint8Array, root: string): Promise<Uint8Array> {
  const { dir, wasiVersion } = await jcoLib(root);
  const tools = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const embedded = await tools.componentEmbed({ binary: core, witSource: sdkWit(dir, wasiVersion), world: 'sockets' });
  const adapter = new Uint8Array(readFileSync(join(dir, 'wasi_snapshot_preview1.command.wasm')));
  return tools.componentNew(embedded, [['wasi_snapshot_preview1', adapter]]);
}
