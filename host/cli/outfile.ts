// Output files a user names (run --trace/--pcap/--report, build -o, view -o), checked before any work is
// done: a missing directory, a directory named as the file or no permission is one line, not a late failure
// (or, for build -o, a directory created silently where gcc -o would refuse).
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why FILE cannot be written ("no directory out"), or undefined. `asDir` is an example name when FILE is a directory. */
export function outputProblem(file: string, asDir: string, prefixOnly = false): string | undefined {
  const path = resolve(file);
  let st;
  try {
    st = prefixOnly ? undefined : statSync(path);
  } catch {
    // Not there yet: its directory must be.
  }
  if (st?.isDirectory()) return `it is a directory (give a file name, e.g. ${asDir})`;
  let dst;
  try {
    dst = statSync(dirname(path));
  } catch {
    return `no directory ${dirname(file)}`;
  }
  if (!dst.isDirectory()) return `${dirname(file)} is not a directory`;
  try {
    accessSync(st ? path : dirname(path), fsConstants.W_OK);
  } catch {
    return st ? 'permission denied' : `permission denied in ${dirname(file)}`;
  }
  return undefined;
}
