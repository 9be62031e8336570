// The Debian tools some tests compare against or drive, shared by
// scripts/setup-tests.js (which installs them when it can) and the tests
// (tests/tools.ts: a test needing a missing one fails, naming it).
import { spawnSync } from 'node:child_process';

/** [command, Debian package, what for]. */
export const DEBIAN_TOOLS = [
  ['gcc', 'gcc', 'native builds for the Linux comparisons'],
  ['strace', 'strace', 'the reference traces the Linux comparisons check socklab against (tests/strace-diff.test.ts)'],
  ['python3', 'python3', 'a real HTTP server and client (tests/real-clients.test.ts)'],
  ['tshark', 'tshark', 'reads the packet captures back'],
  ['curl', 'curl', 'a real HTTP client for the --net=real tests'],
  ['nc', 'netcat-openbsd', 'a real TCP/UDP peer for the --net=real tests'],
  ['ab', 'apache2-utils', 'ApacheBench: a real HTTP load client (tests/real-clients2.test.ts)'],
  ['socat', 'socat', 'a real TCP relay in front of guest servers (tests/real-clients3.test.ts)'],
  ['chromium', 'chromium', 'opens the visual report (tests/report.test.ts, through playwright-core)'],
  ['redis-server', 'redis-server', 'the queue the distributed grading tests run through (tests/grade-queue.test.ts)'],
  ['wasm-opt', 'binaryen', 'the native Asyncify step, compared with binaryen.js (tests/loader-native.test.ts)'],
];

export function haveTool(cmd) {
  // Not npm's node_modules/.bin (on PATH under `npm test`): its wasm-opt is binaryen.js, not the Debian tool.
  const PATH = (process.env.PATH ?? '').split(':').filter((d) => !/[\\/]node_modules[\\/]/.test(d)).join(':');
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', env: { ...process.env, PATH } }).status === 0;
}

/** The Debian packages of the tools not installed here. */
export function missingPackages() {
  return DEBIAN_TOOLS.filter(([cmd]) => !haveTool(cmd)).map(([, pkg]) => pkg);
}

/** The one command that installs these packages. */
export function installCommand(pkgs) {
  return `sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}
