// UDP listener in AssemblyScript: prints each datagram in arrival order
// until "end" or a second of silence, then how many arrived. The same calls
// as examples/udp/listener.c.
// usage: listener PORT
import { Socket, SocketAddress, args, println, eprintln, exit, AF_INET, SOCK_DGRAM, SO_RCVTIMEO } from "socklab";

const argv = args();
if (argv.length < 2) {
  eprintln("usage: " + argv[0] + " PORT");
  exit(2);
}
const sock = Socket.open(AF_INET, SOCK_DGRAM, 0).unwrap();
sock.bind(SocketAddress.ipv4("0.0.0.0", <u16>I32.parseInt(argv[1]))!).unwrap();
sock.setTimeoutOption(SO_RCVTIMEO, 1000);
let got = 0;
const buf = new Uint8Array(255);
while (true) {
  const r = sock.recv(buf);
  if (!r.ok) {
    // EAGAIN after SO_RCVTIMEO: nobody has sent for a second.
    println("listener: silence, giving up");
    break;
  }
  const text = String.UTF8.decodeUnsafe(buf.dataStart, <usize>r.unwrap());
  if (text == "end") break;
  println(text);
  got++;
}
println("listener: " + got.toString() + " datagrams arrived");
