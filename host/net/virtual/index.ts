// The virtual network of a run: created once per kernel from the scenario's
// configuration (or the default single host), kept in kernel.ext.net where
// the run's report finds its counters.
import type { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import { VirtualNetwork, type NetworkConfig } from './network.js';

export { VirtualNetwork, type NetworkConfig, type Host } from './network.js';

/** Creates the kernel's virtual network (replacing any earlier one). With no config: host "host1", 10.0.0.1 and fd00::1. */
export function createVirtualNetwork(kernel: Kernel, config?: NetworkConfig): VirtualNetwork {
  const n = new VirtualNetwork(kernel, config);
  kernel.ext['net'] = n;
  return n;
}

/** The run's virtual network, created on first use from kernel.ext.netConfig (set by the runner). */
export function networkOf(p: Process): VirtualNetwork {
  return kernelNetwork(p.kernel);
}
export function kernelNetwork(k: Kernel): VirtualNetwork {
  const n = k.ext['net'];
  return n instanceof VirtualNetwork ? n : createVirtualNetwork(k, k.ext['netConfig'] as NetworkConfig | undefined);
}
