// Parsing and printing of SocketAddress, checked by tests/as-build.test.ts:
// one line per case, "input -> toString() length".
import { SocketAddress, println } from "socklab";

function show(label: string, a: SocketAddress | null): void {
  println(label + " -> " + (a === null ? "null" : a!.toString() + " " + a!.length.toString()));
}

show("ipv4 127.0.0.1:7000", SocketAddress.ipv4("127.0.0.1", 7000));
show("ipv4 0.0.0.0:0", SocketAddress.ipv4("0.0.0.0", 0));
show("ipv4 256.0.0.1", SocketAddress.ipv4("256.0.0.1", 1));
show("ipv4 1.2.3", SocketAddress.ipv4("1.2.3", 1));
show("ipv6 ::1", SocketAddress.ipv6("::1", 80));
show("ipv6 ::", SocketAddress.ipv6("::", 80));
show("ipv6 fd00:0:0:0:0:0:0:1", SocketAddress.ipv6("fd00:0:0:0:0:0:0:1", 443));
show("ipv6 2001:db8:0:0:1:0:0:1", SocketAddress.ipv6("2001:db8:0:0:1:0:0:1", 1));
show("ipv6 ::ffff:10.0.0.2", SocketAddress.ipv6("::ffff:10.0.0.2", 5));
show("ipv6 1::2::3", SocketAddress.ipv6("1::2::3", 5));
show("ipv6 12345::", SocketAddress.ipv6("12345::", 5));
show("parse 10.1.2.3", SocketAddress.parse("10.1.2.3", 9));
show("parse fe80::1", SocketAddress.parse("fe80::1", 9));
show("unix /tmp/s.sock", SocketAddress.unix("/tmp/s.sock"));
show("abstract demo", SocketAddress.abstract("demo"));
show("unix too long", SocketAddress.unix("/" + "x".repeat(120)));
const a = SocketAddress.ipv4("192.168.1.20", 8080)!;
println("family " + a.family.toString() + " host " + a.host + " port " + a.port.toString());
