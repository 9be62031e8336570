// Linux socket constants, with Linux values (docs/abi.md): what the host
// expects and what traces print.

// Address families (PF_* are the same numbers).
export const AF_UNSPEC: i32 = 0;
export const AF_UNIX: i32 = 1;
export const AF_LOCAL: i32 = 1;
export const AF_INET: i32 = 2;
export const AF_INET6: i32 = 10;

// Socket types; SOCK_NONBLOCK and SOCK_CLOEXEC are or-ed into the type.
export const SOCK_STREAM: i32 = 1;
export const SOCK_DGRAM: i32 = 2;
export const SOCK_RAW: i32 = 3;
export const SOCK_SEQPACKET: i32 = 5;
export const SOCK_NONBLOCK: i32 = 0x800;
export const SOCK_CLOEXEC: i32 = 0x80000;

// send/recv flags.
export const MSG_OOB: i32 = 0x1;
export const MSG_PEEK: i32 = 0x2;
export const MSG_DONTROUTE: i32 = 0x4;
export const MSG_CTRUNC: i32 = 0x8;
export const MSG_TRUNC: i32 = 0x20;
export const MSG_DONTWAIT: i32 = 0x40;
export const MSG_EOR: i32 = 0x80;
export const MSG_WAITALL: i32 = 0x100;
export const MSG_NOSIGNAL: i32 = 0x4000;
export const MSG_MORE: i32 = 0x8000;

// setsockopt/getsockopt levels.
export const SOL_IP: i32 = 0;
export const SOL_SOCKET: i32 = 1;
export const SOL_TCP: i32 = 6;
export const SOL_UDP: i32 = 17;
export const SOL_IPV6: i32 = 41;
export const SOL_RAW: i32 = 255;

export const IPPROTO_IP: i32 = 0;
export const IPPROTO_ICMP: i32 = 1;
export const IPPROTO_TCP: i32 = 6;
export const IPPROTO_UDP: i32 = 17;
export const IPPROTO_IPV6: i32 = 41;
export const IPPROTO_ICMPV6: i32 = 58;
export const IPPROTO_RAW: i32 = 255;

// SOL_SOCKET options.
export const SO_DEBUG: i32 = 1;
export const SO_REUSEADDR: i32 = 2;
export const SO_TYPE: i32 = 3;
export const SO_ERROR: i32 = 4;
export const SO_DONTROUTE: i32 = 5;
export const SO_BROADCAST: i32 = 6;
export const SO_SNDBUF: i32 = 7;
export const SO_RCVBUF: i32 = 8;
export const SO_KEEPALIVE: i32 = 9;
export const SO_OOBINLINE: i32 = 10;
export const SO_LINGER: i32 = 13;
export const SO_REUSEPORT: i32 = 15;
export const SO_RCVLOWAT: i32 = 18;
export const SO_SNDLOWAT: i32 = 19;
export const SO_RCVTIMEO: i32 = 20;
export const SO_SNDTIMEO: i32 = 21;
export const SO_ACCEPTCONN: i32 = 30;
export const SO_PROTOCOL: i32 = 38;
export const SO_DOMAIN: i32 = 39;

// IPPROTO_TCP options.
export const TCP_NODELAY: i32 = 1;
export const TCP_MAXSEG: i32 = 2;
export const TCP_CORK: i32 = 3;
export const TCP_KEEPIDLE: i32 = 4;
export const TCP_KEEPINTVL: i32 = 5;
export const TCP_KEEPCNT: i32 = 6;

// IPPROTO_IP and IPPROTO_IPV6 options.
export const IP_TOS: i32 = 1;
export const IP_TTL: i32 = 2;
export const IP_HDRINCL: i32 = 3;
export const IP_RECVERR: i32 = 11;
export const IPV6_UNICAST_HOPS: i32 = 16;
export const IPV6_RECVERR: i32 = 25;
export const IPV6_V6ONLY: i32 = 26;

// shutdown(how).
export const SHUT_RD: i32 = 0;
export const SHUT_WR: i32 = 1;
export const SHUT_RDWR: i32 = 2;

// poll events.
export const POLLIN: i16 = 0x001;
export const POLLPRI: i16 = 0x002;
export const POLLOUT: i16 = 0x004;
export const POLLERR: i16 = 0x008;
export const POLLHUP: i16 = 0x010;
export const POLLNVAL: i16 = 0x020;
export const POLLRDNORM: i16 = 0x040;
export const POLLRDBAND: i16 = 0x080;
export const POLLWRNORM: i16 = 0x100;
export const POLLWRBAND: i16 = 0x200;
export const POLLRDHUP: i16 = 0x2000;

// getaddrinfo / getnameinfo.
export const AI_PASSIVE: i32 = 0x01;
export const AI_CANONNAME: i32 = 0x02;
export const AI_NUMERICHOST: i32 = 0x04;
export const AI_V4MAPPED: i32 = 0x08;
export const AI_ALL: i32 = 0x10;
export const AI_ADDRCONFIG: i32 = 0x20;
export const AI_NUMERICSERV: i32 = 0x400;
export const NI_NUMERICHOST: i32 = 0x01;
export const NI_NUMERICSERV: i32 = 0x02;
export const NI_NOFQDN: i32 = 0x04;
export const NI_NAMEREQD: i32 = 0x08;
export const NI_DGRAM: i32 = 0x10;
export const NI_MAXHOST: i32 = 1025;
export const NI_MAXSERV: i32 = 32;

// getaddrinfo/getnameinfo results: negative, not errnos.
export const EAI_BADFLAGS: i32 = -1;
export const EAI_NONAME: i32 = -2;
export const EAI_AGAIN: i32 = -3;
export const EAI_FAIL: i32 = -4;
export const EAI_NODATA: i32 = -5;
export const EAI_FAMILY: i32 = -6;
export const EAI_SOCKTYPE: i32 = -7;
export const EAI_SERVICE: i32 = -8;
export const EAI_ADDRFAMILY: i32 = -9;
export const EAI_MEMORY: i32 = -10;
export const EAI_SYSTEM: i32 = -11;
export const EAI_OVERFLOW: i32 = -12;

/** "EAI_NONAME" for -2, as glibc's netdb.h names it. */
export function eaiName(code: i32): string {
  switch (code) {
    case EAI_BADFLAGS: return "EAI_BADFLAGS";
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_AGAIN: return "EAI_AGAIN";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_NODATA: return "EAI_NODATA";
    case EAI_FAMILY: return "EAI_FAMILY";
    case EAI_SOCKTYPE: return "EAI_SOCKTYPE";
    case EAI_SERVICE: return "EAI_SERVICE";
    case EAI_ADDRFAMILY: return "EAI_ADDRFAMILY";
    case EAI_MEMORY: return "EAI_MEMORY";
    case EAI_SYSTEM: return "EAI_SYSTEM";
    case EAI_OVERFLOW: return "EAI_OVERFLOW";
  }
  return "EAI " + code.toString();
}

/** glibc's gai_strerror texts (the C SDK prints the same). */
export function gaiStrerror(code: i32): string {
  switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address associated with hostname";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_ADDRFAMILY: return "Address family for hostname not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Argument buffer overflow";
  }
  return "Unknown error";
}

// Structure sizes (Linux layouts, wasm32).
export const SOCKADDR_IN_SIZE: u32 = 16;
export const SOCKADDR_IN6_SIZE: u32 = 28;
export const SOCKADDR_UN_SIZE: u32 = 110;
export const SOCKADDR_STORAGE_SIZE: u32 = 128;
export const POLLFD_SIZE: u32 = 8;

// Processes and pipes (Linux's values): waitpid options, pipe2/dup3 flags.
export const WNOHANG: i32 = 1;
export const WUNTRACED: i32 = 2;
export const O_NONBLOCK: i32 = 0x800;
export const O_CLOEXEC: i32 = 0x80000;

// Signals (Linux's numbers), for kill() and for WTERMSIG's result. Handlers cannot be installed from AssemblyScript.
export const SIGHUP: i32 = 1;
export const SIGINT: i32 = 2;
export const SIGQUIT: i32 = 3;
export const SIGABRT: i32 = 6;
export const SIGKILL: i32 = 9;
export const SIGUSR1: i32 = 10;
export const SIGSEGV: i32 = 11;
export const SIGUSR2: i32 = 12;
export const SIGPIPE: i32 = 13;
export const SIGALRM: i32 = 14;
export const SIGTERM: i32 = 15;
export const SIGCHLD: i32 = 17;
