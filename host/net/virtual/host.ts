// The virtual host and network of a socket built on the virtual network:
// syscalls/create.ts gives every socket of a run the run's VirtualNetwork and
// one of its hosts, which the socket layer sees only as Network and
// SocketHost (socket/network.ts). The virtual network's own code gets them
// back here.
import type { Socket } from '../socket/socket.js';
import type { Host, VirtualNetwork } from './network.js';

export function vhost(s: Socket): Host {
  return s.host as Host;
}

export function vnet(s: Socket): VirtualNetwork {
  return s.net as VirtualNetwork;
}
