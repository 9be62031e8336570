// tests/component-build/p2run.mjs with one host directory preopened as /data
// (preview2-shim preopens nothing by default).
// usage: node p2run.mjs HOSTDIR GLUE.js ARGS...
import { _setArgs } from '@bytecodealliance/preview2-shim/cli';
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
const [dir, glue, ...args] = process.argv.slice(2);
_setArgs(args);
_setPreopens({ '/data': dir });
const m = await import(new URL(glue, 'file://' + process.cwd() + '/').href);
try {
  m.run.run();
} catch (e) {
  if (e?.constructor?.name === 'ComponentError') process.exit(1);
  throw e;
}
