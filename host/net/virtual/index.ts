// The virtual network of a run: created once per kernel from the scenario's
// configuration (or the default single host), kept in the kernel's NETWORK
// slot; the run's report reads its counters through kernel.networkStats.
import type { Kernel } from '../../kernel/kernel.js';
import type { Process } from '../../kernel/process.js';
import { Slot } from '../../kernel/slots.js';
import { VirtualNetwork, type NetworkConfig } from './network.js';

export { VirtualNetwork, type NetworkConfig, type Host } from './network.js';

/** The run's virtual network, once created. */
export const NETWORK = new Slot<VirtualNetwork>('network');
/** The scenario's network configuration (set by the runner): the network is built from it on first use. */
export const NETWORK_CONFIG = new Slot<NetworkConfig>('network-config');

/** Creates the kernel's virtual network (replacing any earlier one). With no config: host "host1", 10.0.0.1 and fd00::1. */
export function createVirtualNetwork(kernel: Kernel, config?: NetworkConfig): VirtualNetwork {
  const n = new VirtualNetwork(kernel, config);
  kernel.slots.set(NETWORK, n);
  kernel.networkStats = () => ({ ...n.stats });
  return n;
}

/** The run's virtual network, created on first use from NETWORK_CONFIG. */
export function networkOf(p: Process): VirtualNetwork {
  return kernelNetwork(p.kernel);
}
export function kernelNetwork(k: Kernel): VirtualNetwork {
  return k.slots.get(NETWORK) ?? createVirtualNetwork(k, k.slots.get(NETWORK_CONFIG));
}
