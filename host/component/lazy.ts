// The component loader the runner hands to the loader (LoadOptions.component):
// a component's machinery (jco's glue, the WASI 0.2 imports, Binaryen) is
// imported only when a component is run.
import type { LoadOptions } from '../loader/module.js';

export const loadComponentLazily: NonNullable<LoadOptions['component']> = async (bytes, name, opts) => (await import('./load.js')).loadComponentModule(bytes, name, opts);
