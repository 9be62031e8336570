// One import for both address modules: IP text and bytes (ipaddr.ts), and
// guest sockaddr structures (sockaddr.ts).
export * from './ipaddr.js';
export * from './sockaddr.js';
