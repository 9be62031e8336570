// Runs a transpiled component (jco-transpile with its WASI shim) on
// @bytecodealliance/preview2-shim: another WASI 0.2 runtime than socklab's.
// usage: node p2run.mjs GLUE.js ARGS...
import { _setArgs } from '@bytecodealliance/preview2-shim/cli';
const [glue, ...args] = process.argv.slice(2);
_setArgs(args);
const m = await import(new URL(glue, 'file://' + process.cwd() + '/').href);
try {
  m.run.run();
} catch (e) {
  if (e?.constructor?.name === 'ComponentError') process.exit(1);
  throw e;
}
