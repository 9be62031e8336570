// udp_client HOST PORT MESSAGE... in AssemblyScript: sends each MESSAGE as
// one datagram on a connected UDP socket and waits up to 200 ms for its
// reply ("ack: MESSAGE"); sends it again when none came (10 tries at most),
// then prints the reply. A student's answer to the echo-udp assignment.
import { Socket, resolve, args, println, eprintln, exit, AF_INET, SOCK_DGRAM, SO_RCVTIMEO } from "socklab";

const argv = args();
if (argv.length < 4) {
  eprintln("usage: " + argv[0] + " HOST PORT MESSAGE...");
  exit(2);
}
const found = resolve(argv[1], argv[2], AF_INET, SOCK_DGRAM);
if (!found.ok) {
  eprintln(argv[1] + ": " + found.error!.message);
  exit(1);
}
const to = found.unwrap()[0];
const s = Socket.open(to.family, to.socktype, to.protocol).unwrap();
s.connect(to.address).unwrap();
s.setTimeoutOption(SO_RCVTIMEO, 200);
const buf = new Uint8Array(1500);
for (let i = 3; i < argv.length; i++) {
  const msg = Uint8Array.wrap(String.UTF8.encode(argv[i]));
  const expect = "ack: " + argv[i];
  let reply: string | null = null;
  // Wrong on purpose: sends once and never again after a loss.
  for (let tries = 0; tries < 1 && reply === null; tries++) {
    s.send(msg).unwrap();
    // Read until the timeout: a late answer to an earlier message is not this one's.
    while (reply === null) {
      const r = s.recv(buf);
      if (!r.ok) break;
      const text = String.UTF8.decodeUnsafe(buf.dataStart, <usize>r.unwrap());
      if (text == expect) reply = text;
    }
  }
  if (reply === null) {
    eprintln("no reply to \"" + argv[i] + "\"");
    s.close();
    exit(1);
  }
  println(reply!);
}
s.close();
