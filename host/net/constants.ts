// Moved to host/net/addr/constants.ts. Kept for host/trace/strace.ts until the
// trace decoding rework imports addr/ itself; nothing else may use this path.
export * from './addr/constants.js';
