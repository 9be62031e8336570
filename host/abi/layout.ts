// What socklab adds to every guest module and instance, shared by the loader
// (which transforms modules) and the kernel (which runs them).

/**
 * Pages socklab grows a guest's memory by after instantiation, for the
 * Asyncify stack (kernel/process.ts); they count against --max-memory.
 */
export const ASYNCIFY_PAGES = 1;

/** Exports of the guest's own mutable globals (fork copies them): GLOBAL_EXPORT_PREFIX + the global's index. */
export const GLOBAL_EXPORT_PREFIX = 'socklab$global$';

/**
 * A narrowed import (kernel/syscall.ts narrowsI64) is imported as its name
 * plus this suffix, in the same module, with its i64 parameter split into
 * two i32s: a guest cannot name it itself (the loader refuses unknown
 * imports), and an untransformed module keeps the plain name.
 */
export const NARROW_SUFFIX = '$i32';
