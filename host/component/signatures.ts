// WASI 0.2 signatures (from the 0.2.x WIT) of every function and method
// socklab implements, for its direct bindings (direct.ts, canon.ts): keyed
// by interface and by jco's JS names (function, or class then method; a
// method's `self: borrow<resource>` is implied). Resource names are the
// kebab-case of jco's class names, the ones load.ts tags jco's handle tables with.
import { TypeScope, type FuncType } from './canon.js';

const RESOURCES = new Set([
  'error', 'pollable', 'input-stream', 'output-stream', 'terminal-input', 'terminal-output',
  'network', 'tcp-socket', 'udp-socket', 'incoming-datagram-stream', 'outgoing-datagram-stream', 'resolve-address-stream',
  'descriptor', 'directory-entry-stream',
]);

// wasi:sockets' error-code and wasi:filesystem's are both "error-code" in WIT: named apart here.
const TYPES: Record<string, string> = {
  'stream-error': 'variant{last-operation-failed(error), closed}',
  datetime: 'record{seconds: u64, nanoseconds: u32}',
  'error-code':
    'enum{unknown, access-denied, not-supported, invalid-argument, out-of-memory, timeout, concurrency-conflict, not-in-progress, would-block, invalid-state, new-socket-limit, address-not-bindable, address-in-use, remote-unreachable, connection-refused, connection-reset, connection-aborted, datagram-too-large, name-unresolvable, temporary-resolver-failure, permanent-resolver-failure}',
  'ip-address-family': 'enum{ipv4, ipv6}',
  'ipv4-address': 'tuple<u8, u8, u8, u8>',
  'ipv6-address': 'tuple<u16, u16, u16, u16, u16, u16, u16, u16>',
  'ip-address': 'variant{ipv4(ipv4-address), ipv6(ipv6-address)}',
  'ipv4-socket-address': 'record{port: u16, address: ipv4-address}',
  'ipv6-socket-address': 'record{port: u16, flow-info: u32, address: ipv6-address, scope-id: u32}',
  'ip-socket-address': 'variant{ipv4(ipv4-socket-address), ipv6(ipv6-socket-address)}',
  'shutdown-type': 'enum{receive, send, both}',
  'incoming-datagram': 'record{data: list<u8>, remote-address: ip-socket-address}',
  'outgoing-datagram': 'record{data: list<u8>, remote-address: option<ip-socket-address>}',
  'fs-error-code':
    'enum{access, would-block, already, bad-descriptor, busy, deadlock, quota, exist, file-too-large, illegal-byte-sequence, in-progress, interrupted, invalid, io, is-directory, loop, too-many-links, message-size, name-too-long, no-device, no-entry, no-lock, insufficient-memory, insufficient-space, not-directory, not-empty, not-recoverable, unsupported, no-tty, no-such-device, overflow, not-permitted, pipe, read-only, invalid-seek, text-file-busy, cross-device}',
  'descriptor-type': 'enum{unknown, block-device, character-device, directory, fifo, symbolic-link, regular-file, socket}',
  'descriptor-flags': 'flags{read, write, file-integrity-sync, data-integrity-sync, requested-write-sync, mutate-directory}',
  'path-flags': 'flags{symlink-follow}',
  'open-flags': 'flags{create, directory, exclusive, truncate}',
  'descriptor-stat':
    'record{type: descriptor-type, link-count: u64, size: u64, data-access-timestamp: option<datetime>, data-modification-timestamp: option<datetime>, status-change-timestamp: option<datetime>}',
  'new-timestamp': 'variant{no-change, now, timestamp(datetime)}',
  'directory-entry': 'record{type: descriptor-type, name: string}',
  advice: 'enum{normal, sequential, random, will-need, dont-need, no-reuse}',
  'metadata-hash-value': 'record{lower: u64, upper: u64}',
};

type Sigs = Record<string, string | Record<string, string>>;

const R = 'result<_, error-code>';
const FR = 'result<_, fs-error-code>';
const SE = 'result<_, stream-error>';
const sockOpts = {
  receiveBufferSize: 'func() -> result<u64, error-code>',
  setReceiveBufferSize: `func(value: u64) -> ${R}`,
  sendBufferSize: 'func() -> result<u64, error-code>',
  setSendBufferSize: `func(value: u64) -> ${R}`,
  localAddress: 'func() -> result<ip-socket-address, error-code>',
  remoteAddress: 'func() -> result<ip-socket-address, error-code>',
  addressFamily: 'func() -> ip-address-family',
  startBind: `func(network: borrow<network>, local-address: ip-socket-address) -> ${R}`,
  finishBind: `func() -> ${R}`,
  subscribe: 'func() -> pollable',
};

const SIGNATURES: Record<string, Sigs> = {
  'wasi:io/error': { Error: { toDebugString: 'func() -> string' } },
  'wasi:io/poll': {
    Pollable: { ready: 'func() -> bool', block: 'func()' },
    poll: 'func(in: list<borrow<pollable>>) -> list<u32>',
  },
  'wasi:io/streams': {
    InputStream: {
      read: 'func(len: u64) -> result<list<u8>, stream-error>',
      blockingRead: 'func(len: u64) -> result<list<u8>, stream-error>',
      skip: 'func(len: u64) -> result<u64, stream-error>',
      blockingSkip: 'func(len: u64) -> result<u64, stream-error>',
      subscribe: 'func() -> pollable',
    },
    OutputStream: {
      checkWrite: 'func() -> result<u64, stream-error>',
      write: `func(contents: list<u8>) -> ${SE}`,
      blockingWriteAndFlush: `func(contents: list<u8>) -> ${SE}`,
      flush: `func() -> ${SE}`,
      blockingFlush: `func() -> ${SE}`,
      subscribe: 'func() -> pollable',
      writeZeroes: `func(len: u64) -> ${SE}`,
      blockingWriteZeroesAndFlush: `func(len: u64) -> ${SE}`,
      splice: 'func(src: borrow<input-stream>, len: u64) -> result<u64, stream-error>',
      blockingSplice: 'func(src: borrow<input-stream>, len: u64) -> result<u64, stream-error>',
    },
  },
  'wasi:cli/environment': {
    getEnvironment: 'func() -> list<tuple<string, string>>',
    getArguments: 'func() -> list<string>',
    initialCwd: 'func() -> option<string>',
  },
  'wasi:cli/exit': { exit: 'func(status: result)', exitWithCode: 'func(status-code: u8)' },
  'wasi:cli/stdin': { getStdin: 'func() -> input-stream' },
  'wasi:cli/stdout': { getStdout: 'func() -> output-stream' },
  'wasi:cli/stderr': { getStderr: 'func() -> output-stream' },
  'wasi:cli/terminal-input': { TerminalInput: {} },
  'wasi:cli/terminal-output': { TerminalOutput: {} },
  'wasi:cli/terminal-stdin': { getTerminalStdin: 'func() -> option<terminal-input>' },
  'wasi:cli/terminal-stdout': { getTerminalStdout: 'func() -> option<terminal-output>' },
  'wasi:cli/terminal-stderr': { getTerminalStderr: 'func() -> option<terminal-output>' },
  'wasi:clocks/monotonic-clock': {
    now: 'func() -> u64',
    resolution: 'func() -> u64',
    subscribeInstant: 'func(when: u64) -> pollable',
    subscribeDuration: 'func(when: u64) -> pollable',
  },
  'wasi:clocks/wall-clock': { now: 'func() -> datetime', resolution: 'func() -> datetime' },
  'wasi:random/random': { getRandomBytes: 'func(len: u64) -> list<u8>', getRandomU64: 'func() -> u64' },
  'wasi:random/insecure': { getInsecureRandomBytes: 'func(len: u64) -> list<u8>', getInsecureRandomU64: 'func() -> u64' },
  'wasi:random/insecure-seed': { insecureSeed: 'func() -> tuple<u64, u64>' },
  'wasi:sockets/network': { Network: {} },
  'wasi:sockets/instance-network': { instanceNetwork: 'func() -> network' },
  'wasi:sockets/tcp': {
    TcpSocket: {
      ...sockOpts,
      startConnect: `func(network: borrow<network>, remote-address: ip-socket-address) -> ${R}`,
      finishConnect: 'func() -> result<tuple<input-stream, output-stream>, error-code>',
      startListen: `func() -> ${R}`,
      finishListen: `func() -> ${R}`,
      accept: 'func() -> result<tuple<tcp-socket, input-stream, output-stream>, error-code>',
      isListening: 'func() -> bool',
      setListenBacklogSize: `func(value: u64) -> ${R}`,
      keepAliveEnabled: 'func() -> result<bool, error-code>',
      setKeepAliveEnabled: `func(value: bool) -> ${R}`,
      keepAliveIdleTime: 'func() -> result<u64, error-code>',
      setKeepAliveIdleTime: `func(value: u64) -> ${R}`,
      keepAliveInterval: 'func() -> result<u64, error-code>',
      setKeepAliveInterval: `func(value: u64) -> ${R}`,
      keepAliveCount: 'func() -> result<u32, error-code>',
      setKeepAliveCount: `func(value: u32) -> ${R}`,
      hopLimit: 'func() -> result<u8, error-code>',
      setHopLimit: `func(value: u8) -> ${R}`,
      shutdown: `func(shutdown-type: shutdown-type) -> ${R}`,
    },
  },
  'wasi:sockets/tcp-create-socket': { createTcpSocket: 'func(address-family: ip-address-family) -> result<tcp-socket, error-code>' },
  'wasi:sockets/udp': {
    UdpSocket: {
      ...sockOpts,
      stream: 'func(remote-address: option<ip-socket-address>) -> result<tuple<incoming-datagram-stream, outgoing-datagram-stream>, error-code>',
      unicastHopLimit: 'func() -> result<u8, error-code>',
      setUnicastHopLimit: `func(value: u8) -> ${R}`,
    },
    IncomingDatagramStream: {
      receive: 'func(max-results: u64) -> result<list<incoming-datagram>, error-code>',
      subscribe: 'func() -> pollable',
    },
    OutgoingDatagramStream: {
      checkSend: 'func() -> result<u64, error-code>',
      send: 'func(datagrams: list<outgoing-datagram>) -> result<u64, error-code>',
      subscribe: 'func() -> pollable',
    },
  },
  'wasi:sockets/udp-create-socket': { createUdpSocket: 'func(address-family: ip-address-family) -> result<udp-socket, error-code>' },
  'wasi:sockets/ip-name-lookup': {
    ResolveAddressStream: { resolveNextAddress: 'func() -> result<option<ip-address>, error-code>', subscribe: 'func() -> pollable' },
    resolveAddresses: 'func(network: borrow<network>, name: string) -> result<resolve-address-stream, error-code>',
  },
  'wasi:filesystem/types': {
    Descriptor: {
      readViaStream: 'func(offset: u64) -> result<input-stream, fs-error-code>',
      writeViaStream: 'func(offset: u64) -> result<output-stream, fs-error-code>',
      appendViaStream: 'func() -> result<output-stream, fs-error-code>',
      advise: `func(offset: u64, length: u64, advice: advice) -> ${FR}`,
      syncData: `func() -> ${FR}`,
      getFlags: 'func() -> result<descriptor-flags, fs-error-code>',
      getType: 'func() -> result<descriptor-type, fs-error-code>',
      setSize: `func(size: u64) -> ${FR}`,
      setTimes: `func(data-access-timestamp: new-timestamp, data-modification-timestamp: new-timestamp) -> ${FR}`,
      read: 'func(length: u64, offset: u64) -> result<tuple<list<u8>, bool>, fs-error-code>',
      write: 'func(buffer: list<u8>, offset: u64) -> result<u64, fs-error-code>',
      readDirectory: 'func() -> result<directory-entry-stream, fs-error-code>',
      sync: `func() -> ${FR}`,
      createDirectoryAt: `func(path: string) -> ${FR}`,
      stat: 'func() -> result<descriptor-stat, fs-error-code>',
      statAt: 'func(path-flags: path-flags, path: string) -> result<descriptor-stat, fs-error-code>',
      setTimesAt: `func(path-flags: path-flags, path: string, data-access-timestamp: new-timestamp, data-modification-timestamp: new-timestamp) -> ${FR}`,
      linkAt: `func(old-path-flags: path-flags, old-path: string, new-descriptor: borrow<descriptor>, new-path: string) -> ${FR}`,
      openAt: 'func(path-flags: path-flags, path: string, open-flags: open-flags, flags: descriptor-flags) -> result<descriptor, fs-error-code>',
      readlinkAt: 'func(path: string) -> result<string, fs-error-code>',
      removeDirectoryAt: `func(path: string) -> ${FR}`,
      renameAt: `func(old-path: string, new-descriptor: borrow<descriptor>, new-path: string) -> ${FR}`,
      symlinkAt: `func(old-path: string, new-path: string) -> ${FR}`,
      unlinkFileAt: `func(path: string) -> ${FR}`,
      isSameObject: 'func(other: borrow<descriptor>) -> bool',
      metadataHash: 'func() -> result<metadata-hash-value, fs-error-code>',
      metadataHashAt: 'func(path-flags: path-flags, path: string) -> result<metadata-hash-value, fs-error-code>',
    },
    DirectoryEntryStream: { readDirectoryEntry: 'func() -> result<option<directory-entry>, fs-error-code>' },
    filesystemErrorCode: 'func(err: borrow<error>) -> option<fs-error-code>',
  },
  'wasi:filesystem/preopens': { getDirectories: 'func() -> list<tuple<descriptor, string>>' },
};

const scope = new TypeScope(TYPES, RESOURCES);
const parsed = new Map<string, FuncType | null>();

export function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The signature of a free function (`cls` undefined) or of a method of
 * resource class `cls` (self first), parsed once; undefined when the table
 * has none.
 */
export function signature(iface: string, cls: string | undefined, name: string): FuncType | undefined {
  const key = `${iface}#${cls ?? ''}#${name}`;
  let f = parsed.get(key);
  if (f === undefined) {
    const entry = cls ? SIGNATURES[iface]?.[cls] : SIGNATURES[iface]?.[name];
    const src = cls ? (typeof entry === 'object' ? entry[name] : undefined) : typeof entry === 'string' ? entry : undefined;
    if (src === undefined) f = null;
    else {
      const t = scope.func(src);
      f = cls ? { params: [{ k: 'borrow', r: kebab(cls) }, ...t.params], result: t.result } : t;
    }
    parsed.set(key, f);
  }
  return f ?? undefined;
}

/** Whether the table has a signature for it, without parsing one (signature() parses on first use). */
export function hasSignature(iface: string, cls: string | undefined, name: string): boolean {
  const entry = cls ? SIGNATURES[iface]?.[cls] : SIGNATURES[iface]?.[name];
  return cls ? typeof entry === 'object' && typeof entry[name] === 'string' : typeof entry === 'string';
}

/** Resource classes of an interface that the table knows (their kebab names are resource names). */
export function isResourceClass(iface: string, cls: string): boolean {
  return typeof SIGNATURES[iface]?.[cls] === 'object' && RESOURCES.has(kebab(cls));
}

/** Every entry of the table as [interface, class or undefined, JS name] (tests: each is one of socklab's functions). */
export function signatureEntries(): [string, string | undefined, string][] {
  const out: [string, string | undefined, string][] = [];
  for (const [iface, sigs] of Object.entries(SIGNATURES)) {
    for (const [k, v] of Object.entries(sigs)) {
      if (typeof v === 'string') out.push([iface, undefined, k]);
      else for (const m of Object.keys(v)) out.push([iface, k, m]);
    }
  }
  return out;
}

/** A type of the table by its name (tests). */
export function namedType(name: string): ReturnType<TypeScope['named']> {
  return scope.named(name);
}
