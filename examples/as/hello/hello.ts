// Console output and arguments through WASI: no sockets involved.
// usage: hello [ARGS...]
import { args, println, eprintln } from "socklab";

const argv = args();
println("hello from AssemblyScript: " + (argv.length - 1).toString() + " argument(s)");
for (let i = 1; i < argv.length; i++) println("argv[" + i.toString() + "] = " + argv[i]);
eprintln("(this line goes to stderr)");
