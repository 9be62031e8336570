// socklab's AssemblyScript library: `import { Socket, SocketAddress, println } from "socklab"`.
// raw: the C-like calls (return -1 and set errno); socket/address: the typed layer.
export * from "./constants";
export * from "./errno";
export * from "./raw";
export * from "./address";
export * from "./socket";
export * from "./io";
export * from "./process";
