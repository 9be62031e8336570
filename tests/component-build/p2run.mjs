// Runs a transpiled component (jco-transpile with its WASI shim) on
// @bytecodealliance/preview2-shim: another WASI 0.2 runtime than socklab's.
// usage: node p2run.mjs [--preopen HOSTDIR] GLUE.js ARGS...
// --preopen: HOSTDIR as the component's /data (preview2-shim preopens nothing by default).
import { _setArgs } from '@bytecodealliance/preview2-shim/cli';
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
let argv = process.argv.slice(2);
if (argv[0] === '--preopen') {
  _setPreopens({ '/data': argv[1] });
  argv = argv.slice(2);
}
const [glue, ...args] = argv;
_setArgs(args);
const m = await import(new URL(glue, 'file://' + process.cwd() + '/').href);
try {
  m.run.run();
} catch (e) {
  if (e?.constructor?.name === 'ComponentError') process.exit(1);
  throw e;
}
