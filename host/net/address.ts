// Moved to host/net/addr/address.ts. Kept for host/trace/strace.ts until the
// trace decoding rework imports addr/ itself; nothing else may use this path.
export * from './addr/address.js';
