// What socklab adds to every guest module and instance, shared by the loader
// (which transforms modules) and the kernel (which runs them).

/**
 * Pages socklab grows a guest's memory by after instantiation, for the
 * Asyncify stack (kernel/process.ts); they count against --max-memory.
 */
export const ASYNCIFY_PAGES = 1;

/** Exports of the guest's own mutable globals (fork copies them): GLOBAL_EXPORT_PREFIX + the global's index. */
export const GLOBAL_EXPORT_PREFIX = 'socklab$global$';
