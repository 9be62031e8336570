// A poll() TCP echo server in AssemblyScript: the same calls, in the same
// order, as examples/tcp-echo/echo_server.c, so their traces read alike.
// usage: echo_server PORT [CLIENTS]   (exits after serving CLIENTS clients; default: never)
import {
  Socket, PollFd, pollFds, resolve, nameInfo, args, println, eprintln, exit,
  AF_INET6, SOCK_STREAM, AI_PASSIVE, SOL_SOCKET, SO_REUSEADDR, IPPROTO_IPV6, IPV6_V6ONLY,
  POLLIN, MSG_NOSIGNAL, NI_NUMERICHOST, NI_NUMERICSERV,
} from "socklab";

function peerName(s: Socket): string {
  const peer = s.peerAddress();
  if (!peer.ok) return "?";
  const ni = nameInfo(peer.unwrap(), NI_NUMERICHOST | NI_NUMERICSERV);
  return ni.ok ? "[" + ni.unwrap().host + "]:" + ni.unwrap().service : "?";
}

const argv = args();
if (argv.length < 2) {
  eprintln("usage: " + argv[0] + " PORT [CLIENTS]");
  exit(2);
}
const limit = argv.length > 2 ? I32.parseInt(argv[2]) : -1;

// Every address, IPv6 socket accepting IPv4 too (IPV6_V6ONLY off).
const ai = resolve(null, argv[1], AF_INET6, SOCK_STREAM, AI_PASSIVE).unwrap()[0];
const listener = Socket.open(ai.family, ai.socktype, ai.protocol).unwrap();
listener.setOption(SOL_SOCKET, SO_REUSEADDR, 1);
listener.setOption(IPPROTO_IPV6, IPV6_V6ONLY, 0);
listener.bind(ai.address).unwrap();
listener.listen(16).unwrap();
println("listening on port " + argv[1]);

const fds: PollFd[] = [new PollFd(listener.fd, POLLIN)];
let served = 0;
const buf = new Uint8Array(4096);
while (limit < 0 || served < limit || fds.length > 1) {
  pollFds(fds, -1).unwrap();
  for (let i = 0; i < fds.length; i++) {
    if (!fds[i].revents) continue;
    if (fds[i].fd == listener.fd) {
      const a = listener.accept();
      if (!a.ok) {
        eprintln(a.error!.toString());
        continue;
      }
      const c = a.unwrap();
      println("accepted " + peerName(c));
      fds.push(new PollFd(c.fd, POLLIN));
      served++;
      continue;
    }
    const conn = new Socket(fds[i].fd);
    const r = conn.recv(buf);
    if (!r.ok || r.unwrap() == 0) {
      if (!r.ok) eprintln(r.error!.toString());
      println("client on fd " + conn.fd.toString() + " closed");
      conn.close();
      // Swap-remove, as the C server does, so the poll sets stay the same.
      fds[i] = fds[fds.length - 1];
      fds.pop();
      i--;
      continue;
    }
    const n = r.unwrap();
    for (let off = 0; off < n; ) {
      const w = conn.send(buf.subarray(off, n), MSG_NOSIGNAL);
      if (!w.ok) {
        eprintln(w.error!.toString());
        break;
      }
      off += w.unwrap();
    }
  }
  if (limit >= 0 && served >= limit) fds[0].events = 0; // stop accepting
}
listener.close();
println("served " + served.toString() + " clients, bye");
