/* The BSD socket calls of <sys/socket.h>, <poll.h> and select() for a WASI
 * 0.2 component (socklab build --target=component), over wasi:sockets and
 * wasi:io. A socket is a libc-level descriptor: its number is a slot the
 * preview1 adapter reserves (adapter_open_badfd), and read/write/close/fcntl
 * on it reach this file through wasm-ld's --wrap of wasi-libc's __wasi_fd_*
 * calls (sdk.json), so unmodified programs use read(), write(), close() and
 * O_NONBLOCK on sockets as on Linux. docs/components.md lists the mapping. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include "wasi02.h"

/* The canonical ABI's allocator: lists and strings the host returns land here. */
__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *ptr, size_t old, size_t align, size_t size) {
  (void)old, (void)align;
  /* Never size 0: every list the host returns can then be given to free(). malloc's 16-byte alignment covers every WASI 0.2 type. */
  void *p = realloc(ptr, size ? size : 1);
  if (!p) abort();
  return p;
}

enum st { S_NEW, S_BOUND, S_LISTEN, S_CONNECTING, S_CONNECTED, S_FAILED };

/* A UDP socket is S_NEW (unbound, no streams), S_BOUND (streams to anyone)
 * or S_CONNECTED (streams to one peer: udp-socket.stream(some)). */
struct sock {
  int family;       /* AF_INET or AF_INET6 */
  int type;         /* SOCK_STREAM or SOCK_DGRAM */
  enum st state;
  int nonblock;
  int shut_rd, shut_wr, eof;
  int err;          /* SO_ERROR: a failed connect's errno until a call reports it */
  int connecting;   /* Linux's SS_CONNECTING: connect() said EINPROGRESS and no connect() has reported the end yet */
  int bound;        /* bound by bind(): a new attempt after a failed connect keeps the address, as Linux keeps the port */
  wasi_flat_addr local; /* what bind() asked for */
  int nopts, opts[8][3]; /* options set on the WASI socket (level, name, value), replayed on a renewed one */
  int reuseaddr, nodelay, v6only;
  int keepalive;    /* SO_KEEPALIVE of a UDP socket: Linux keeps it, and nothing uses it */
  uint32_t h, in, out;          /* tcp-socket, input-stream, output-stream; or udp-socket and its datagram streams */
  uint32_t p_sock, p_in, p_out; /* their pollables, made on first use */
  wasi_flat_addr peer;          /* UDP: the address connected to */
  /* Read from WASI but not yet consumed: a TCP socket's bytes [roff, rlen)
   * after MSG_PEEK; a UDP socket's next datagram (rfull), fetched by
   * MSG_PEEK or by poll to learn whether one is there. */
  uint8_t *rbuf;
  size_t rlen, roff;
  int rfull;
  wasi_sockaddr rfrom;
};

#define UDP(s) ((s)->type == SOCK_DGRAM)
_Static_assert(sizeof(__wasi_iovec_t) == sizeof(struct iovec) && sizeof(__wasi_ciovec_t) == sizeof(struct iovec), "iovec layouts");

#define MAX_FD 1024
static struct sock *socks[MAX_FD];
static uint32_t network;

uint32_t __socklab_network(void) {
  if (!network) network = wasi_instance_network();
  return network;
}

static struct sock *get(int fd) { return fd >= 0 && fd < MAX_FD ? socks[fd] : NULL; }

/* error-code to errno, the Linux errno each condition has. */
int __socklab_errno_of(int ec) {
  switch (ec) {
  case EC_ACCESS_DENIED: return EACCES;
  case EC_NOT_SUPPORTED: return EOPNOTSUPP;
  case EC_INVALID_ARGUMENT: return EINVAL;
  case EC_OUT_OF_MEMORY: return ENOMEM;
  case EC_TIMEOUT: return ETIMEDOUT;
  case EC_CONCURRENCY_CONFLICT: return EALREADY;
  case EC_NOT_IN_PROGRESS: return EINVAL;
  case EC_WOULD_BLOCK: return EWOULDBLOCK;
  case EC_INVALID_STATE: return EINVAL;
  case EC_NEW_SOCKET_LIMIT: return EMFILE;
  case EC_ADDRESS_NOT_BINDABLE: return EADDRNOTAVAIL;
  case EC_ADDRESS_IN_USE: return EADDRINUSE;
  case EC_REMOTE_UNREACHABLE: return EHOSTUNREACH;
  case EC_CONNECTION_REFUSED: return ECONNREFUSED;
  case EC_CONNECTION_RESET: return ECONNRESET;
  case EC_CONNECTION_ABORTED: return ECONNABORTED;
  case EC_DATAGRAM_TOO_LARGE: return EMSGSIZE;
  default: return EIO;
  }
}

static int fail(int e) {
  errno = e;
  return -1;
}

__wasi_errno_t __real___wasi_fd_fdstat_get(__wasi_fd_t, __wasi_fdstat_t *);

/* A socket call on a descriptor that is no socket: EBADF when the adapter does not know it either. */
static int nosock(int fd) {
  __wasi_fdstat_t st;
  return fail(fd < 0 || __real___wasi_fd_fdstat_get((__wasi_fd_t)fd, &st) ? EBADF : ENOTSOCK);
}

/* ---- addresses ---- */

static int to_wasi(const struct sock *s, const struct sockaddr *a, socklen_t len, wasi_flat_addr *w) {
  if (!a) return EFAULT;
  memset(w, 0, sizeof *w);
  if (s->family == AF_INET) {
    if (len < sizeof(struct sockaddr_in)) return EINVAL;
    if (a->sa_family != AF_INET) return EAFNOSUPPORT;
    const struct sockaddr_in *in = (const void *)a;
    const uint8_t *b = (const void *)&in->sin_addr;
    w->tag = 0;
    w->f[0] = ntohs(in->sin_port);
    for (int i = 0; i < 4; i++) w->f[1 + i] = b[i];
    return 0;
  }
  if (len < sizeof(struct sockaddr_in6)) return EINVAL;
  if (a->sa_family != AF_INET6) return EAFNOSUPPORT;
  const struct sockaddr_in6 *in6 = (const void *)a;
  const uint8_t *b = in6->sin6_addr.s6_addr;
  w->tag = 1;
  w->f[0] = ntohs(in6->sin6_port);
  w->f[1] = (int32_t)ntohl(in6->sin6_flowinfo);
  for (int i = 0; i < 8; i++) w->f[2 + i] = b[2 * i] << 8 | b[2 * i + 1];
  w->f[10] = (int32_t)in6->sin6_scope_id;
  return 0;
}

/* Writes a WASI address as a sockaddr, truncated to *len as the kernel does; *len gets the full size. */
static void from_wasi(const wasi_sockaddr *w, struct sockaddr *a, socklen_t *len) {
  if (!a || !len) return;
  struct sockaddr_storage ss;
  socklen_t n;
  memset(&ss, 0, sizeof ss);
  if (w->tag == 0) {
    struct sockaddr_in *in = (void *)&ss;
    in->sin_family = AF_INET;
    in->sin_port = htons(w->u.v4.port);
    memcpy(&in->sin_addr, w->u.v4.addr, 4);
    n = sizeof *in;
  } else {
    struct sockaddr_in6 *in6 = (void *)&ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(w->u.v6.port);
    in6->sin6_flowinfo = htonl(w->u.v6.flow);
    for (int i = 0; i < 8; i++) {
      in6->sin6_addr.s6_addr[2 * i] = (uint8_t)(w->u.v6.addr[i] >> 8);
      in6->sin6_addr.s6_addr[2 * i + 1] = (uint8_t)w->u.v6.addr[i];
    }
    in6->sin6_scope_id = w->u.v6.scope;
    n = sizeof *in6;
  }
  memcpy(a, &ss, *len < n ? *len : n);
  *len = n;
}

/* ---- pollables ---- */

static uint32_t sock_pollable(struct sock *s) {
  if (!s->p_sock) s->p_sock = UDP(s) ? wasi_udp_subscribe(s->h) : wasi_tcp_subscribe(s->h);
  return s->p_sock;
}
static uint32_t in_pollable(struct sock *s) {
  if (!s->p_in) s->p_in = UDP(s) ? wasi_dgram_in_subscribe(s->in) : wasi_in_subscribe(s->in);
  return s->p_in;
}
static uint32_t out_pollable(struct sock *s) {
  if (!s->p_out) s->p_out = UDP(s) ? wasi_dgram_out_subscribe(s->out) : wasi_out_subscribe(s->out);
  return s->p_out;
}

/* A stream error: drop the error resource it carries; closed is 0, a failure ECONNRESET. */
static int stream_errno(const wasi_stream_error *e) {
  if (e->tag == 0) {
    wasi_error_drop(e->err);
    return ECONNRESET;
  }
  return 0;
}

/* ---- descriptors ---- */

static int new_fd(struct sock *s) {
  int32_t fd;
  int e = __socklab_adapter_open_badfd(&fd);
  if (e) return fail(EMFILE);
  if (fd >= MAX_FD) {
    __socklab_adapter_close_badfd(fd);
    return fail(EMFILE);
  }
  socks[fd] = s;
  return fd;
}

/* Children first: the streams' pollables, then the streams. */
static void drop_streams(struct sock *s) {
  if (s->p_in) wasi_pollable_drop(s->p_in);
  if (s->p_out) wasi_pollable_drop(s->p_out);
  if (s->in) UDP(s) ? wasi_dgram_in_drop(s->in) : wasi_in_drop(s->in);
  if (s->out) UDP(s) ? wasi_dgram_out_drop(s->out) : wasi_out_drop(s->out);
  s->p_in = s->p_out = s->in = s->out = 0;
}

static void release(struct sock *s) {
  if (s->p_sock) wasi_pollable_drop(s->p_sock);
  drop_streams(s);
  if (s->h) UDP(s) ? wasi_udp_drop(s->h) : wasi_tcp_drop(s->h);
  free(s->rbuf);
  free(s);
}

int socket(int domain, int type, int protocol) {
  int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
  type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (domain != AF_INET && domain != AF_INET6) return fail(EAFNOSUPPORT); /* AF_UNIX, AF_PACKET: no WASI 0.2 interface */
  if (type == SOCK_RAW) return fail(EPROTONOSUPPORT);
  if (type != SOCK_STREAM && type != SOCK_DGRAM) return fail(EINVAL);
  if (protocol != 0 && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)) return fail(EPROTONOSUPPORT);
  wasi_res_handle r;
  if (type == SOCK_STREAM) wasi_create_tcp_socket(domain == AF_INET ? 0 : 1, &r);
  else wasi_create_udp_socket(domain == AF_INET ? 0 : 1, &r);
  if (r.is_err) return fail(__socklab_errno_of(r.u.ec));
  struct sock *s = calloc(1, sizeof *s);
  if (!s) {
    type == SOCK_STREAM ? wasi_tcp_drop(r.u.h) : wasi_udp_drop(r.u.h);
    return fail(ENOMEM);
  }
  s->family = domain;
  s->type = type;
  s->h = r.u.h;
  s->nonblock = (flags & SOCK_NONBLOCK) != 0;
  int fd = new_fd(s);
  if (fd < 0) release(s);
  return fd;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
  (void)type, (void)protocol, (void)fds;
  return fail(domain == AF_UNIX ? EAFNOSUPPORT : EOPNOTSUPP);
}

static int wait_on(uint32_t p) {
  wasi_pollable_block(p);
  return 0;
}

/* Waits for ever: what Linux does for a wait nothing can end. */
static void block_forever(void) {
  uint32_t never = wasi_subscribe_duration(~0ull >> 1);
  for (;;) wasi_pollable_block(never);
}

/* The wildcard address of the socket's family, port 0. */
static void any_addr(const struct sock *s, wasi_flat_addr *w) {
  memset(w, 0, sizeof *w);
  w->tag = s->family == AF_INET ? 0 : 1;
}

static int do_bind(struct sock *s, const wasi_flat_addr *w) {
  wasi_res_unit r;
  if (UDP(s)) wasi_udp_start_bind(s->h, __socklab_network(), WASI_FLAT_ARGS(*w), &r);
  else wasi_tcp_start_bind(s->h, __socklab_network(), WASI_FLAT_ARGS(*w), &r);
  if (!r.is_err) {
    for (;;) {
      if (UDP(s)) wasi_udp_finish_bind(s->h, &r);
      else wasi_tcp_finish_bind(s->h, &r);
      if (!r.is_err || r.ec != EC_WOULD_BLOCK) break;
      wait_on(sock_pollable(s));
    }
  }
  if (r.is_err) return r.ec == EC_INVALID_STATE ? EINVAL : __socklab_errno_of(r.ec);
  s->state = S_BOUND;
  return 0;
}

/* Opens a UDP socket's datagram streams, to REMOTE (connected) or to anyone
 * (NULL). The previous ones are dropped first: wasi:sockets ends them anyway. */
static int udp_stream(struct sock *s, const wasi_flat_addr *remote) {
  drop_streams(s);
  wasi_flat_addr none;
  any_addr(s, &none);
  wasi_res_streams r;
  wasi_udp_stream(s->h, remote != NULL, WASI_FLAT_ARGS(remote ? *remote : none), &r);
  if (r.is_err) return __socklab_errno_of(r.u.ec);
  s->in = r.u.s.in;
  s->out = r.u.s.out;
  s->state = remote ? S_CONNECTED : S_BOUND;
  if (remote) s->peer = *remote;
  return 0;
}

/* Linux binds an unbound UDP socket to an ephemeral port on its first send
 * or connect; wasi:sockets wants an explicit bind before stream. */
static int udp_autobind(struct sock *s) {
  if (s->state != S_NEW) return 0;
  wasi_flat_addr any;
  any_addr(s, &any);
  int e = do_bind(s, &any);
  return e ? e : udp_stream(s, NULL);
}

static int tcp_renew(struct sock *s);

int bind(int fd, const struct sockaddr *a, socklen_t len) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  wasi_flat_addr w;
  int e = to_wasi(s, a, len, &w);
  if (e) return fail(e);
  /* After a failed connect Linux has released an ephemeral port: the socket can be bound again. */
  if (s->state == S_FAILED && !s->bound && (e = tcp_renew(s))) return fail(e);
  if (s->state != S_NEW) return fail(EINVAL);
  e = do_bind(s, &w);
  if (!e && UDP(s)) e = udp_stream(s, NULL);
  if (!e && !UDP(s)) s->bound = 1, s->local = w;
  return e ? fail(e) : 0;
}

int listen(int fd, int backlog) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (UDP(s)) return fail(EOPNOTSUPP);
  if (s->state == S_LISTEN) {
    wasi_res_unit r;
    wasi_tcp_set_listen_backlog_size(s->h, backlog > 0 ? (uint64_t)backlog : 1, &r);
    return 0;
  }
  if (s->state != S_NEW && s->state != S_BOUND) return fail(EINVAL);
  if (s->state == S_NEW) {
    /* Linux binds an unbound socket to an ephemeral port; WASI 0.2 wants an explicit bind. */
    wasi_flat_addr any;
    any_addr(s, &any);
    int e = do_bind(s, &any);
    if (e) return fail(e);
  }
  wasi_res_unit r;
  if (backlog > 0) wasi_tcp_set_listen_backlog_size(s->h, (uint64_t)backlog, &r);
  wasi_tcp_start_listen(s->h, &r);
  if (!r.is_err) {
    for (;;) {
      wasi_tcp_finish_listen(s->h, &r);
      if (!r.is_err || r.ec != EC_WOULD_BLOCK) break;
      wait_on(sock_pollable(s));
    }
  }
  if (r.is_err) return fail(__socklab_errno_of(r.ec));
  s->state = S_LISTEN;
  return 0;
}

/* Completes a connect in progress: 0 done, EINPROGRESS still running, else the errno it failed with. */
static int finish_connect(struct sock *s) {
  wasi_res_streams r;
  wasi_tcp_finish_connect(s->h, &r);
  if (!r.is_err) {
    s->in = r.u.s.in;
    s->out = r.u.s.out;
    s->state = S_CONNECTED;
    return 0;
  }
  if (r.u.ec == EC_WOULD_BLOCK) return EINPROGRESS;
  /* As Linux after a refused or reset handshake: the error is pending until
   * one call reports it (SO_ERROR, connect, recv, send); then reads see end
   * of file and writes EPIPE. */
  s->state = S_FAILED;
  s->err = __socklab_errno_of(r.u.ec);
  return s->err;
}

/* The errno pending on S, cleared: what Linux's sock_error() does. */
static int take_err(struct sock *s) {
  int e = s->err;
  s->err = 0;
  return e;
}

/* Waits (unless NONBLOCK) for a connect in progress to end: 0 connected,
 * EINPROGRESS still running, or the errno it failed with (still pending). */
static int await_connect(struct sock *s, int nonblock) {
  for (;;) {
    int e = finish_connect(s);
    if (e != EINPROGRESS || nonblock) return e;
    wait_on(sock_pollable(s));
  }
}

static int sock_setopt(struct sock *s, int level, int name, int x);

/* A new tcp-socket in place of one whose connect failed: WASI 0.2 closes such
 * a socket for good, where Linux lets connect() try again on it. The fd, its
 * flags, an explicit bind's address and the options set stay. */
static int tcp_renew(struct sock *s) {
  wasi_res_handle r;
  wasi_create_tcp_socket(s->family == AF_INET ? 0 : 1, &r);
  if (r.is_err) return __socklab_errno_of(r.u.ec);
  if (s->p_sock) wasi_pollable_drop(s->p_sock);
  drop_streams(s);
  wasi_tcp_drop(s->h);
  free(s->rbuf);
  s->rbuf = NULL;
  s->rlen = s->roff = 0;
  s->p_sock = 0;
  s->h = r.u.h;
  s->state = S_NEW;
  s->eof = s->shut_rd = s->shut_wr = 0;
  for (int i = 0; i < s->nopts; i++) sock_setopt(s, s->opts[i][0], s->opts[i][1], s->opts[i][2]);
  return s->bound ? do_bind(s, &s->local) : 0;
}

/* connect() reports a failed attempt: its errno (ECONNABORTED when another
 * call took it), and Linux's disconnect leaves the socket unconnected (recv
 * ENOTCONN, a new connect allowed): here a renewed tcp-socket. */
static int connect_failed(struct sock *s) {
  int e = take_err(s);
  s->connecting = 0;
  tcp_renew(s); /* if that fails, the socket stays S_FAILED and the next connect tries again */
  return e ? e : ECONNABORTED;
}

/* UDP connect: stream(some(peer)); AF_UNSPEC disconnects with stream(none). */
static int udp_connect(struct sock *s, const struct sockaddr *a, socklen_t len) {
  if (a && len >= sizeof(sa_family_t) && a->sa_family == AF_UNSPEC) {
    int e = s->state == S_CONNECTED ? udp_stream(s, NULL) : 0;
    return e ? fail(e) : 0;
  }
  wasi_flat_addr w;
  int e = to_wasi(s, a, len, &w);
  if (!e) e = udp_autobind(s);
  if (e) return fail(e);
  e = udp_stream(s, &w);
  if (e) {
    udp_stream(s, NULL); /* still usable unconnected, as on Linux */
    return fail(e);
  }
  return 0;
}

int connect(int fd, const struct sockaddr *a, socklen_t len) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (UDP(s)) return udp_connect(s, a, len);
  wasi_flat_addr w;
  int e = to_wasi(s, a, len, &w);
  if (e) return fail(e);
  /* Linux's inet_stream_connect: after a non-blocking connect, the next
   * connect() reports how it ended (0 once connected, then EISCONN). */
  switch (s->state) {
  case S_LISTEN: return fail(EISCONN);
  case S_CONNECTED:
    if (!s->connecting) return fail(EISCONN);
    s->connecting = 0;
    return 0;
  case S_CONNECTING:
    e = await_connect(s, s->nonblock);
    if (e == EINPROGRESS) return fail(EALREADY);
    if (e) return fail(connect_failed(s));
    s->connecting = 0;
    return 0;
  case S_FAILED:
    if (s->connecting) return fail(connect_failed(s));
    e = tcp_renew(s);
    if (e) return fail(e);
    break;
  default: break;
  }
  wasi_res_unit r;
  wasi_tcp_start_connect(s->h, __socklab_network(), WASI_FLAT_ARGS(w), &r);
  if (r.is_err) return fail(__socklab_errno_of(r.ec));
  s->state = S_CONNECTING;
  /* Non-blocking: EINPROGRESS even when the runtime could finish at once, as Linux's TCP always says. */
  if (s->nonblock) {
    s->connecting = 1;
    return fail(EINPROGRESS);
  }
  e = await_connect(s, 0);
  return e ? fail(connect_failed(s)) : 0;
}

int accept4(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len, int flags) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return fail(EINVAL);
  if (UDP(s)) return fail(EOPNOTSUPP);
  if (s->state != S_LISTEN) return fail(EINVAL);
  wasi_res_accept r;
  for (;;) {
    wasi_tcp_accept(s->h, &r);
    if (!r.is_err || r.u.ec != EC_WOULD_BLOCK) break;
    if (s->nonblock) return fail(EAGAIN);
    wait_on(sock_pollable(s));
  }
  if (r.is_err) return fail(__socklab_errno_of(r.u.ec));
  /* An address without its length: Linux has taken the connection when it fails to read the length, and closes it. */
  int e = a && !len ? EFAULT : 0;
  struct sock *c = e ? NULL : calloc(1, sizeof *c);
  if (!c) {
    wasi_in_drop(r.u.s.in);
    wasi_out_drop(r.u.s.out);
    wasi_tcp_drop(r.u.s.sock);
    return fail(e ? e : ENOMEM);
  }
  c->family = s->family;
  c->h = r.u.s.sock;
  c->in = r.u.s.in;
  c->out = r.u.s.out;
  c->state = S_CONNECTED;
  c->nonblock = (flags & SOCK_NONBLOCK) != 0;
  if (a && len) {
    wasi_res_addr ra;
    wasi_tcp_remote_address(c->h, &ra);
    if (!ra.is_err) from_wasi(&ra.u.a, a, len);
  }
  int nfd = new_fd(c);
  if (nfd < 0) release(c);
  return nfd;
}

int accept(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len) { return accept4(fd, a, len, 0); }

/* ---- data ---- */

/* One read of the input stream into BUF: bytes, 0 at end of file, or -1 and errno (EAGAIN: nothing yet, non-blocking). */
static ssize_t tcp_read(struct sock *s, void *buf, size_t len, int nonblock) {
  wasi_res_list r;
  if (nonblock) wasi_in_read(s->in, len, &r);
  else wasi_in_blocking_read(s->in, len, &r);
  if (r.is_err) {
    int e = stream_errno(&r.u.e);
    if (!e) {
      s->eof = 1;
      return 0;
    }
    return fail(e);
  }
  if (r.u.list.len == 0) {
    free(r.u.list.ptr);
    return fail(EAGAIN);
  }
  memcpy(buf, r.u.list.ptr, r.u.list.len);
  free(r.u.list.ptr);
  return (ssize_t)r.u.list.len;
}

/* MSG_PEEK: a stream cannot be read without consuming, so what is peeked
 * stays in the socket's buffer (topped up with what is there at once) and
 * later reads take it first. */
static ssize_t tcp_peek(struct sock *s, void *buf, size_t len, int nonblock) {
  size_t have = s->rlen - s->roff;
  if (have < len && !s->eof && !s->shut_rd) {
    if (s->roff) {
      memmove(s->rbuf, s->rbuf + s->roff, have);
      s->rlen = have, s->roff = 0;
    }
    uint8_t *b = realloc(s->rbuf, len);
    if (!b) return fail(ENOMEM);
    s->rbuf = b;
    /* With bytes in hand, only what is there at once: a stream's error shows again on the next read. */
    ssize_t n = tcp_read(s, b + have, len - have, nonblock || have > 0);
    if (n < 0 && !have) return -1;
    if (n > 0) s->rlen += (size_t)n, have += (size_t)n;
  }
  size_t n = have < len ? have : len;
  memcpy(buf, s->rbuf + s->roff, n);
  return (ssize_t)n;
}

static ssize_t tcp_recv(struct sock *s, void *buf, size_t len, int flags) {
  int nonblock = s->nonblock || (flags & MSG_DONTWAIT);
  if (s->state == S_CONNECTING) {
    /* Linux's recv waits for the handshake (EAGAIN when non-blocking). */
    int e = await_connect(s, nonblock);
    if (e == EINPROGRESS) return fail(EAGAIN);
  }
  if (s->state == S_FAILED) {
    int e = take_err(s);
    return e ? fail(e) : 0; /* the failed handshake shut the socket down: end of file */
  }
  if (s->state != S_CONNECTED) return fail(ENOTCONN);
  if (flags & MSG_OOB) return fail(EINVAL); /* WASI streams carry no urgent data: Linux's answer when none is there */
  if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_PEEK | MSG_WAITALL)) return fail(EOPNOTSUPP);
  if (len == 0) return 0;
  if (s->err && s->roff == s->rlen) return fail(take_err(s)); /* an error recvmmsg kept (sk_err), after the bytes read ahead */
  if (flags & MSG_PEEK) return tcp_peek(s, buf, len, nonblock);
  size_t done = 0;
  if (s->roff < s->rlen) {
    done = s->rlen - s->roff < len ? s->rlen - s->roff : len;
    memcpy(buf, s->rbuf + s->roff, done);
    s->roff += done;
    if (s->roff == s->rlen) s->roff = s->rlen = 0;
  }
  /* MSG_WAITALL: read until LEN, end of file, an error or (non-blocking) nothing more. */
  while (done < len && (!done || (flags & MSG_WAITALL)) && !s->eof && !s->shut_rd) {
    ssize_t n = tcp_read(s, (char *)buf + done, len - done, nonblock);
    if (n < 0 && !done) return -1;
    if (n <= 0) break;
    done += (size_t)n;
  }
  return (ssize_t)done;
}

static ssize_t tcp_send(struct sock *s, const void *buf, size_t len, int flags) {
  int nonblock = s->nonblock || (flags & MSG_DONTWAIT);
  /* Linux's sk_stream_wait_connect: wait for a handshake in progress; a
   * pending error first; EPIPE on any socket not connected (a component has
   * no SIGPIPE). */
  if (s->state == S_CONNECTING && await_connect(s, nonblock) == EINPROGRESS) return fail(EAGAIN);
  if (s->err) return fail(take_err(s));
  if (s->state != S_CONNECTED) return fail(EPIPE);
  if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL)) return fail(EOPNOTSUPP);
  if (s->shut_wr) return fail(EPIPE);
  size_t done = 0;
  while (done < len) {
    size_t n;
    wasi_res_sunit w;
    /* As much as check-write permits at a time, then a flush: one write per chunk the stream takes
     * (blocking-write-and-flush would cap each at 4096 bytes). A blocking send waits for room, and
     * returns once its bytes are in the socket (blocking-flush), as send(2) once they are in the kernel. */
    wasi_res_sz c;
    wasi_out_check_write(s->out, &c);
    if (c.is_err) {
      int e = stream_errno(&c.u.e);
      if (done) break;
      return fail(e ? e : EPIPE);
    }
    if (c.u.v == 0) {
      if (nonblock) break;
      wait_on(out_pollable(s));
      continue;
    }
    n = len - done < c.u.v ? len - done : (size_t)c.u.v;
    wasi_out_write(s->out, (const char *)buf + done, (uint32_t)n, &w);
    if (!w.is_err) {
      if (nonblock) wasi_out_flush(s->out, &w);
      else wasi_out_blocking_flush(s->out, &w);
    }
    if (w.is_err) {
      int e = stream_errno(&w.e);
      if (done) break;
      return fail(e ? e : EPIPE);
    }
    done += n;
  }
  if (done == 0 && len) return fail(EAGAIN);
  return (ssize_t)done;
}

/* ip-socket-address flattened (as to_wasi makes it) to its memory layout, for outgoing-datagram. */
static void flat_to_mem(const wasi_flat_addr *w, wasi_sockaddr *m) {
  memset(m, 0, sizeof *m);
  m->tag = (uint8_t)w->tag;
  if (w->tag == 0) {
    m->u.v4.port = (uint16_t)w->f[0];
    for (int i = 0; i < 4; i++) m->u.v4.addr[i] = (uint8_t)w->f[1 + i];
  } else {
    m->u.v6.port = (uint16_t)w->f[0];
    m->u.v6.flow = (uint32_t)w->f[1];
    for (int i = 0; i < 8; i++) m->u.v6.addr[i] = (uint16_t)w->f[2 + i];
    m->u.v6.scope = (uint32_t)w->f[10];
  }
}

/* One datagram of the gathered IOV to A (or the connected peer), in Linux's order of checks. */
static ssize_t udp_send(struct sock *s, const struct iovec *iov, size_t iovcnt, int flags, const struct sockaddr *a, socklen_t alen) {
  size_t len = 0;
  for (size_t i = 0; i < iovcnt; i++) len += iov[i].iov_len;
  if (s->family == AF_INET && len > 0xffff) return fail(EMSGSIZE);
  if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_CONFIRM)) return fail(EOPNOTSUPP);
  wasi_out_datagram d;
  memset(&d, 0, sizeof d);
  if (a) {
    wasi_flat_addr w;
    int e = to_wasi(s, a, alen, &w);
    if (e) return fail(e);
    if (w.f[0] == 0) return fail(EINVAL); /* port 0 */
    /* A connected udp-socket sends only to its peer: another address cannot be expressed in wasi:sockets. */
    if (s->state == S_CONNECTED && memcmp(&w, &s->peer, sizeof w)) return fail(EISCONN);
    if (s->state != S_CONNECTED) d.some = 1, flat_to_mem(&w, &d.to);
  } else if (s->state != S_CONNECTED) {
    return fail(EDESTADDRREQ);
  }
  /* The largest UDP payload: 65535 less the IPv4 and UDP headers; IPv6's payload length leaves out its own header. */
  if (len > (s->family == AF_INET ? 65507u : 65527u)) return fail(EMSGSIZE);
  if (s->shut_wr) return fail(EPIPE);
  int e = udp_autobind(s);
  if (e) return fail(e);
  uint8_t *gathered = NULL;
  if (iovcnt == 1) {
    d.data = iov[0].iov_base;
  } else if (len) {
    gathered = malloc(len);
    if (!gathered) return fail(ENOMEM);
    for (size_t i = 0, off = 0; i < iovcnt; off += iov[i].iov_len, i++) memcpy(gathered + off, iov[i].iov_base, iov[i].iov_len);
    d.data = gathered;
  }
  d.len = (uint32_t)len;
  int nonblock = s->nonblock || (flags & MSG_DONTWAIT);
  for (;;) {
    wasi_res_u64 r;
    wasi_dgram_check_send(s->out, &r);
    if (!r.is_err && r.u.v > 0) wasi_dgram_send(s->out, &d, 1, &r);
    if (r.is_err || r.u.v > 0) {
      free(gathered);
      return r.is_err ? fail(__socklab_errno_of(r.u.ec)) : (ssize_t)len;
    }
    if (nonblock) {
      free(gathered);
      return fail(EAGAIN);
    }
    wait_on(out_pollable(s));
  }
}

/* Takes the next datagram from the incoming stream into the socket: 0, EAGAIN when there is none, or the errno of the stream's error. */
static int udp_fetch(struct sock *s) {
  if (s->rfull) return 0;
  if (!s->in) return EAGAIN; /* unbound: nothing can arrive */
  wasi_res_dgrams r;
  wasi_dgram_receive(s->in, 1, &r);
  if (r.is_err) return __socklab_errno_of(r.u.ec);
  if (r.u.list.len == 0) {
    free(r.u.list.ptr);
    return EAGAIN;
  }
  free(s->rbuf);
  s->rbuf = r.u.list.ptr[0].data;
  s->rlen = r.u.list.ptr[0].len;
  s->rfrom = r.u.list.ptr[0].from;
  s->rfull = 1;
  free(r.u.list.ptr);
  return 0;
}

/* One datagram into IOV: its length (the whole of it with MSG_TRUNC), the rest
 * of a longer one dropped (*trunc set) as Linux does; its source into A. */
static ssize_t udp_recv(struct sock *s, const struct iovec *iov, size_t iovcnt, int flags, struct sockaddr *a, socklen_t *alen, int *trunc) {
  int nonblock = s->nonblock || (flags & MSG_DONTWAIT);
  for (;;) {
    if (s->err) {
      /* An error the stream reported while poll looked for a datagram. */
      int e = s->err;
      s->err = 0;
      return fail(e);
    }
    int e = udp_fetch(s);
    if (!e) break;
    if (e != EAGAIN) return fail(e);
    if (s->shut_rd) return 0;
    if (nonblock) return fail(EAGAIN);
    if (!s->in) block_forever(); /* recv on an unbound UDP socket: Linux waits for ever too */
    wait_on(in_pollable(s));
  }
  size_t n = 0;
  for (size_t i = 0; i < iovcnt && n < s->rlen; i++) {
    size_t k = s->rlen - n < iov[i].iov_len ? s->rlen - n : iov[i].iov_len;
    memcpy(iov[i].iov_base, s->rbuf + n, k);
    n += k;
  }
  size_t full = s->rlen;
  if (a && alen) from_wasi(&s->rfrom, a, alen);
  if (trunc) *trunc = full > n;
  if (!(flags & MSG_PEEK)) {
    free(s->rbuf);
    s->rbuf = NULL;
    s->rlen = 0;
    s->rfull = 0;
  }
  return (ssize_t)((flags & MSG_TRUNC) ? full : n);
}

static ssize_t sock_recv(struct sock *s, void *buf, size_t len, int flags) {
  if (!UDP(s)) return tcp_recv(s, buf, len, flags);
  struct iovec v = {buf, len};
  return udp_recv(s, &v, 1, flags, NULL, NULL, NULL);
}

static ssize_t sock_send(struct sock *s, const void *buf, size_t len, int flags) {
  if (!UDP(s)) return tcp_send(s, buf, len, flags);
  struct iovec v = {(void *)buf, len};
  return udp_send(s, &v, 1, flags, NULL, 0);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  return sock_send(s, buf, len, flags);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  return sock_recv(s, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *a, socklen_t alen) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (UDP(s)) {
    struct iovec v = {(void *)buf, len};
    return udp_send(s, &v, 1, flags, a, alen);
  }
  return tcp_send(s, buf, len, flags); /* Linux's TCP ignores the address (no MSG_FASTOPEN here) */
}

ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags, struct sockaddr *__restrict a, socklen_t *__restrict alen) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (UDP(s)) {
    struct iovec v = {buf, len};
    return udp_recv(s, &v, 1, flags, a, alen, NULL);
  }
  ssize_t n = tcp_recv(s, buf, len, flags);
  if (n >= 0 && a && alen) *alen = 0; /* a connected stream socket reports no address, as Linux */
  return n;
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (m->msg_controllen) return fail(EOPNOTSUPP); /* SCM_RIGHTS and friends have no WASI 0.2 form */
  if (UDP(s)) return udp_send(s, m->msg_iov, (size_t)m->msg_iovlen, flags, m->msg_name, m->msg_namelen);
  ssize_t total = 0;
  for (size_t i = 0; i < (size_t)m->msg_iovlen; i++) {
    ssize_t n = tcp_send(s, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len, flags);
    if (n < 0) return total ? total : -1;
    total += n;
    if ((size_t)n < m->msg_iov[i].iov_len) break;
  }
  return total;
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  m->msg_controllen = 0;
  m->msg_flags = 0;
  if (UDP(s)) {
    int trunc = 0;
    ssize_t n = udp_recv(s, m->msg_iov, (size_t)m->msg_iovlen, flags, m->msg_name, m->msg_name ? &m->msg_namelen : NULL, &trunc);
    if (n >= 0 && trunc) m->msg_flags |= MSG_TRUNC;
    return n;
  }
  m->msg_namelen = 0;
  for (size_t i = 0; i < (size_t)m->msg_iovlen; i++) {
    if (!m->msg_iov[i].iov_len) continue;
    return tcp_recv(s, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len, flags);
  }
  return 0;
}

/* Linux's flag of 32-bit callers on a 64-bit kernel: sendmmsg and recvmmsg refuse it from user space. */
#define MSG_CMSG_COMPAT_ 0x80000000u
/* __sys_sendmmsg and do_recvmmsg cut vlen to UIO_MAXIOV. */
#define UIO_MAXIOV_ 1024u

/* sendmmsg as Linux's __sys_sendmmsg: each message as sendmsg sends it, its
 * byte count in msg_len, until one fails or a stream send is short; the count
 * sent if any was (errno untouched), else the first one's error. */
int sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags) {
  if ((unsigned)flags & MSG_CMSG_COMPAT_) return fail(EINVAL);
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (vlen > UIO_MAXIOV_) vlen = UIO_MAXIOV_;
  int saved = errno;
  unsigned done = 0;
  while (done < vlen) {
    struct msghdr *m = &v[done].msg_hdr;
    ssize_t n = sendmsg(fd, m, flags);
    if (n < 0) break;
    v[done++].msg_len = (unsigned)n;
    size_t want = 0;
    for (size_t i = 0; i < (size_t)m->msg_iovlen; i++) want += m->msg_iov[i].iov_len;
    if (!UDP(s) && (size_t)n < want) break; /* msg_data_left: the stream took less */
  }
  if (!done) return vlen ? -1 : 0;
  errno = saved;
  return (int)done;
}

/* recvmmsg as Linux's do_recvmmsg: a pending socket error first; then each
 * message as recvmsg receives it, its byte count in msg_len, until vlen, an
 * error, urgent data or the timeout, which is looked at only after each
 * message (a blocking receive waits however long: the man page's BUGS).
 * MSG_WAITFORONE makes the receives after the first MSG_DONTWAIT. With
 * messages received the time left is written back, and an error other than
 * EAGAIN stays pending on the socket for the next call (sk_err); without, it
 * is the call's. */
int recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags, struct timespec *timeout) {
  if ((unsigned)flags & MSG_CMSG_COMPAT_) return fail(EINVAL);
  struct timespec end = {0, 0}, left = {0, 0};
  if (timeout) {
    /* poll_select_set_timeout, before the fd is looked up */
    if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L) return fail(EINVAL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += timeout->tv_sec;
    end.tv_nsec += timeout->tv_nsec;
    if (end.tv_nsec >= 1000000000L) end.tv_sec++, end.tv_nsec -= 1000000000L;
  }
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (vlen > UIO_MAXIOV_) vlen = UIO_MAXIOV_;
  if (s->err) return fail(take_err(s));
  int saved = errno, err = 0, f = flags & ~MSG_WAITFORONE;
  unsigned done = 0;
  while (done < vlen) {
    ssize_t n = recvmsg(fd, &v[done].msg_hdr, f);
    if (n < 0) {
      err = errno;
      break;
    }
    v[done++].msg_len = (unsigned)n;
    if (flags & MSG_WAITFORONE) f |= MSG_DONTWAIT;
    if (timeout) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      left.tv_sec = end.tv_sec - now.tv_sec;
      left.tv_nsec = end.tv_nsec - now.tv_nsec;
      if (left.tv_nsec < 0) left.tv_sec--, left.tv_nsec += 1000000000L;
      if (left.tv_sec < 0) left.tv_sec = left.tv_nsec = 0;
      if (!left.tv_sec && !left.tv_nsec) break;
    }
    if (v[done - 1].msg_hdr.msg_flags & MSG_OOB) break;
  }
  if (!done) return err ? fail(err) : 0;
  if (err && err != EAGAIN) s->err = err;
  if (timeout) *timeout = left;
  errno = saved;
  return (int)done;
}

int shutdown(int fd, int how) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return fail(EINVAL);
  if (UDP(s)) {
    /* wasi:sockets has no UDP shutdown: the SDK keeps it. Linux marks even an unconnected socket, and says ENOTCONN. */
    if (how != SHUT_WR) s->shut_rd = 1;
    if (how != SHUT_RD) s->shut_wr = 1;
    return s->state == S_CONNECTED ? 0 : fail(ENOTCONN);
  }
  if (s->state == S_LISTEN) return 0; /* Linux accepts it on a listener (WASI 0.2 has no such transition) */
  if (s->state == S_CONNECTING && finish_connect(s) == EINPROGRESS) {
    /* Linux abandons a handshake still running: the socket is unconnected again. */
    s->connecting = 0;
    int e = tcp_renew(s);
    return e ? fail(e) : 0;
  }
  if (s->state != S_CONNECTED) return fail(ENOTCONN);
  s->connecting = 0; /* Linux's inet_shutdown: a connect that has finished is settled (a later connect: EISCONN) */
  wasi_res_unit r;
  wasi_tcp_shutdown(s->h, how == SHUT_RD ? 0 : how == SHUT_WR ? 1 : 2, &r);
  if (r.is_err) return fail(__socklab_errno_of(r.ec));
  if (how != SHUT_WR) s->shut_rd = 1;
  if (how != SHUT_RD) s->shut_wr = 1;
  return 0;
}

int getsockname(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  wasi_res_addr r;
  if (UDP(s)) wasi_udp_local_address(s->h, &r);
  else wasi_tcp_local_address(s->h, &r);
  if (r.is_err) {
    /* Linux reports an unbound socket as the wildcard address, port 0. */
    memset(&r.u.a, 0, sizeof r.u.a);
    r.u.a.tag = s->family == AF_INET ? 0 : 1;
  }
  from_wasi(&r.u.a, a, len);
  return 0;
}

int getpeername(int fd, struct sockaddr *__restrict a, socklen_t *__restrict len) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (s->state == S_CONNECTING) finish_connect(s);
  if (s->state != S_CONNECTED) return fail(ENOTCONN);
  wasi_res_addr r;
  if (UDP(s)) wasi_udp_remote_address(s->h, &r);
  else wasi_tcp_remote_address(s->h, &r);
  if (r.is_err) return fail(ENOTCONN);
  from_wasi(&r.u.a, a, len);
  return 0;
}

/* ---- options ---- */

static int put_int(void *v, socklen_t *len, int x) {
  if (!v || !len) return fail(EFAULT);
  socklen_t n = *len < sizeof x ? *len : sizeof x;
  memcpy(v, &x, n);
  *len = n;
  return 0;
}

/* IP_TTL and IPV6_UNICAST_HOPS: tcp-socket's hop-limit, udp-socket's unicast-hop-limit. */
static void set_hops(struct sock *s, int v, wasi_res_unit *r) {
  if (UDP(s)) wasi_udp_set_unicast_hop_limit(s->h, v, r);
  else wasi_tcp_set_hop_limit(s->h, v, r);
}

/* One option X: 0 or the errno; those that reach the WASI socket are kept (tcp_renew). */
static int sock_setopt(struct sock *s, int level, int name, int x) {
  wasi_res_unit r = {0, 0};
  uint64_t size = x < 0 ? 0 : (uint64_t)x;
  if (level == SOL_SOCKET) {
    switch (name) {
    case SO_REUSEADDR: s->reuseaddr = x != 0; return 0; /* WASI runtimes let a listener rebind at once anyway */
    case SO_KEEPALIVE:
      if (UDP(s)) s->keepalive = x != 0;
      else wasi_tcp_set_keep_alive_enabled(s->h, x != 0, &r);
      break;
    case SO_RCVBUF: UDP(s) ? wasi_udp_set_receive_buffer_size(s->h, size, &r) : wasi_tcp_set_receive_buffer_size(s->h, size, &r); break;
    case SO_SNDBUF: UDP(s) ? wasi_udp_set_send_buffer_size(s->h, size, &r) : wasi_tcp_set_send_buffer_size(s->h, size, &r); break;
    default: return ENOPROTOOPT;
    }
  } else if (level == IPPROTO_TCP && !UDP(s)) {
    switch (name) {
    case TCP_NODELAY: s->nodelay = x != 0; return 0; /* no WASI 0.2 option: kept for getsockopt */
    case TCP_KEEPIDLE: if (x < 1) return EINVAL; wasi_tcp_set_keep_alive_idle_time(s->h, (uint64_t)x * 1000000000ull, &r); break;
    case TCP_KEEPINTVL: if (x < 1) return EINVAL; wasi_tcp_set_keep_alive_interval(s->h, (uint64_t)x * 1000000000ull, &r); break;
    case TCP_KEEPCNT: if (x < 1) return EINVAL; wasi_tcp_set_keep_alive_count(s->h, x, &r); break;
    default: return ENOPROTOOPT;
    }
  } else if (level == IPPROTO_IP && name == IP_TTL && s->family == AF_INET) {
    if (x < -1 || x == 0 || x > 255) return EINVAL;
    set_hops(s, x == -1 ? 64 : x, &r);
  } else if (level == IPPROTO_IPV6 && s->family == AF_INET6 && name == IPV6_UNICAST_HOPS) {
    if (x < -1 || x > 255) return EINVAL;
    set_hops(s, x == -1 ? 64 : x, &r);
  } else if (level == IPPROTO_IPV6 && s->family == AF_INET6 && name == IPV6_V6ONLY) {
    if (s->state != S_NEW) return EINVAL;
    s->v6only = x != 0; /* WASI 0.2 has no dual-stack switch: the runtime's default stands */
    return 0;
  } else {
    return ENOPROTOOPT;
  }
  if (r.is_err) return __socklab_errno_of(r.ec);
  int i = 0;
  while (i < s->nopts && (s->opts[i][0] != level || s->opts[i][1] != name)) i++;
  if (i < 8) {
    s->opts[i][0] = level, s->opts[i][1] = name, s->opts[i][2] = x;
    if (i == s->nopts) s->nopts++;
  }
  return 0;
}

int setsockopt(int fd, int level, int name, const void *v, socklen_t len) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (!v || len < sizeof(int)) return fail(v ? EINVAL : EFAULT);
  int x;
  memcpy(&x, v, sizeof x);
  int e = sock_setopt(s, level, name, x);
  return e ? fail(e) : 0;
}

int getsockopt(int fd, int level, int name, void *__restrict v, socklen_t *__restrict len) {
  struct sock *s = get(fd);
  if (!s) return nosock(fd);
  if (level == SOL_SOCKET) {
    switch (name) {
    case SO_TYPE: return put_int(v, len, s->type);
    case SO_DOMAIN: return put_int(v, len, s->family);
    case SO_PROTOCOL: return put_int(v, len, UDP(s) ? IPPROTO_UDP : IPPROTO_TCP);
    case SO_ACCEPTCONN: return put_int(v, len, s->state == S_LISTEN);
    case SO_REUSEADDR: return put_int(v, len, s->reuseaddr);
    case SO_ERROR: {
      if (s->state == S_CONNECTING) finish_connect(s);
      return put_int(v, len, take_err(s));
    }
    case SO_KEEPALIVE: {
      if (UDP(s)) return put_int(v, len, s->keepalive);
      wasi_res_u8 r;
      wasi_tcp_keep_alive_enabled(s->h, &r);
      return r.is_err ? fail(__socklab_errno_of(r.v)) : put_int(v, len, r.v);
    }
    case SO_RCVBUF:
    case SO_SNDBUF: {
      wasi_res_u64 r;
      if (name == SO_RCVBUF) UDP(s) ? wasi_udp_receive_buffer_size(s->h, &r) : wasi_tcp_receive_buffer_size(s->h, &r);
      else UDP(s) ? wasi_udp_send_buffer_size(s->h, &r) : wasi_tcp_send_buffer_size(s->h, &r);
      return r.is_err ? fail(__socklab_errno_of(r.u.ec)) : put_int(v, len, r.u.v > 0x7fffffff ? 0x7fffffff : (int)r.u.v);
    }
    default: return fail(ENOPROTOOPT);
    }
  }
  if (level == IPPROTO_TCP && !UDP(s)) {
    wasi_res_u64 r;
    switch (name) {
    case TCP_NODELAY: return put_int(v, len, s->nodelay);
    case TCP_KEEPIDLE: wasi_tcp_keep_alive_idle_time(s->h, &r); break;
    case TCP_KEEPINTVL: wasi_tcp_keep_alive_interval(s->h, &r); break;
    case TCP_KEEPCNT: {
      wasi_res_u32 c;
      wasi_tcp_keep_alive_count(s->h, &c);
      return c.is_err ? fail(__socklab_errno_of(c.u.ec)) : put_int(v, len, (int)c.u.v);
    }
    default: return fail(ENOPROTOOPT);
    }
    return r.is_err ? fail(__socklab_errno_of(r.u.ec)) : put_int(v, len, (int)(r.u.v / 1000000000ull));
  }
  if ((level == IPPROTO_IP && name == IP_TTL && s->family == AF_INET) || (level == IPPROTO_IPV6 && name == IPV6_UNICAST_HOPS && s->family == AF_INET6)) {
    wasi_res_u8 r;
    if (UDP(s)) wasi_udp_unicast_hop_limit(s->h, &r);
    else wasi_tcp_hop_limit(s->h, &r);
    return r.is_err ? fail(__socklab_errno_of(r.v)) : put_int(v, len, r.v);
  }
  if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && s->family == AF_INET6) return put_int(v, len, s->v6only);
  return fail(ENOPROTOOPT);
}

/* ---- poll and select ---- */

/* The revents of a socket now, without waiting. */
/* A UDP socket: readable when a datagram is there (fetched to know, since a
 * pollable may wake for nothing), writable when check-send allows one. */
static short udp_revents(struct sock *s, short events) {
  short re = 0;
  if (s->state == S_NEW) return (POLLOUT | POLLWRNORM) & events; /* Linux: an unbound UDP socket is writable */
  if (events & (POLLIN | POLLRDNORM)) {
    int e = s->rfull || s->err ? 0 : wasi_pollable_ready(in_pollable(s)) ? udp_fetch(s) : EAGAIN;
    if (e && e != EAGAIN) s->err = e;
    if (s->rfull || s->shut_rd) re |= POLLIN | POLLRDNORM;
  }
  if (s->err) re |= POLLERR;
  if (events & (POLLOUT | POLLWRNORM)) {
    wasi_res_u64 c;
    wasi_dgram_check_send(s->out, &c);
    if (c.is_err || c.u.v > 0) re |= POLLOUT | POLLWRNORM;
  }
  if (s->shut_rd && s->shut_wr) re |= POLLHUP;
  return re & (events | POLLERR | POLLHUP);
}

static short sock_revents(struct sock *s, short events) {
  if (UDP(s)) return udp_revents(s, events);
  short re = 0;
  if (s->state == S_CONNECTING && wasi_pollable_ready(sock_pollable(s))) finish_connect(s);
  switch (s->state) {
  case S_LISTEN:
    if (wasi_pollable_ready(sock_pollable(s))) re |= POLLIN;
    break;
  case S_CONNECTED:
    if (s->eof || s->shut_rd || s->roff < s->rlen || wasi_pollable_ready(in_pollable(s))) re |= POLLIN | POLLRDNORM;
    if (!s->shut_wr && wasi_pollable_ready(out_pollable(s))) {
      wasi_res_sz c;
      wasi_out_check_write(s->out, &c);
      if (c.is_err) {
        stream_errno(&c.u.e);
        re |= POLLERR | POLLHUP;
      } else if (c.u.v > 0) {
        re |= POLLOUT | POLLWRNORM;
      }
    }
    if (s->shut_wr) re |= POLLOUT | POLLWRNORM; /* Linux: writable (the write gets EPIPE) */
    if (s->err) re |= POLLERR;
    break;
  case S_FAILED:
    /* Linux after a failed handshake: shut down both ways, POLLERR while the error is pending. */
    re |= POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP | (s->err ? POLLERR : 0);
    break;
  case S_NEW:
  case S_BOUND:
    re |= POLLOUT | POLLHUP; /* an unconnected TCP socket on Linux */
    break;
  default:
    break;
  }
  return re & (events | POLLERR | POLLHUP | POLLNVAL);
}

/* The pollables that would change a socket's answer, for a wait. */
static size_t sock_wait_set(struct sock *s, short events, uint32_t *out) {
  size_t n = 0;
  if (UDP(s)) {
    if (s->state == S_NEW) return 0;
    if (events & (POLLIN | POLLRDNORM)) out[n++] = in_pollable(s);
    if (events & (POLLOUT | POLLWRNORM)) out[n++] = out_pollable(s);
    return n;
  }
  switch (s->state) {
  case S_LISTEN:
  case S_CONNECTING: out[n++] = sock_pollable(s); break;
  case S_CONNECTED:
    if (events & (POLLIN | POLLRDNORM)) out[n++] = in_pollable(s);
    if (events & (POLLOUT | POLLWRNORM)) out[n++] = out_pollable(s);
    break;
  default: break;
  }
  return n;
}

extern int __real_poll(struct pollfd *, nfds_t, int);

/* wasi-libc's poll is __real_poll (--wrap=poll): it serves every descriptor that is not a socket. */
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout) {
  if (n > MAX_FD * 4) return fail(EINVAL);
  int sockets = 0;
  for (nfds_t i = 0; i < n; i++)
    if (get(fds[i].fd)) sockets++;
  if (!sockets) return __real_poll(fds, n, timeout);
  uint32_t timer = 0;
  int ready;
  for (;;) {
    ready = 0;
    /* Other descriptors (stdin, files) through wasi-libc, without waiting. */
    if ((nfds_t)sockets < n) {
      for (nfds_t i = 0; i < n; i++)
        if (get(fds[i].fd)) fds[i].fd = ~fds[i].fd; /* negative: skipped by libc's poll */
      int r = __real_poll(fds, n, 0);
      for (nfds_t i = 0; i < n; i++)
        if (fds[i].fd < 0 && get(~fds[i].fd)) fds[i].fd = ~fds[i].fd;
      if (r < 0) {
        if (timer) wasi_pollable_drop(timer);
        return -1;
      }
      ready = r;
    }
    for (nfds_t i = 0; i < n; i++) {
      struct sock *s = get(fds[i].fd);
      if (!s) continue;
      fds[i].revents = sock_revents(s, fds[i].events);
      if (fds[i].revents) ready++;
    }
    if (ready || timeout == 0) break;
    if (timeout > 0 && !timer) timer = wasi_subscribe_duration((uint64_t)timeout * 1000000ull);
    if (timer && wasi_pollable_ready(timer)) break;
    uint32_t *set = malloc((3 * (size_t)n + 1) * sizeof *set);
    if (!set) return fail(ENOMEM);
    size_t k = 0;
    for (nfds_t i = 0; i < n; i++) {
      struct sock *s = get(fds[i].fd);
      if (s) k += sock_wait_set(s, fds[i].events, set + k);
    }
    if (timer) set[k++] = timer;
    if (k == 0) {
      /* Nothing can change (no events asked): wait for ever, as Linux would. */
      free(set);
      block_forever();
    }
    struct { uint32_t *ptr; uint32_t len; } got;
    wasi_poll(set, (uint32_t)k, (uint32_t *)&got);
    free(got.ptr);
    free(set);
  }
  if (timer) wasi_pollable_drop(timer);
  return ready;
}

int select(int nfds, fd_set *__restrict r, fd_set *__restrict w, fd_set *__restrict x, struct timeval *__restrict t) {
  if (nfds < 0 || nfds > FD_SETSIZE) return fail(EINVAL);
  if (t && (t->tv_sec < 0 || t->tv_usec < 0 || t->tv_usec >= 1000000)) return fail(EINVAL);
  struct pollfd *p = calloc(nfds ? (size_t)nfds : 1, sizeof *p);
  if (!p) return fail(ENOMEM);
  int n = 0;
  for (int fd = 0; fd < nfds; fd++) {
    short ev = (r && FD_ISSET(fd, r) ? POLLIN : 0) | (w && FD_ISSET(fd, w) ? POLLOUT : 0) | (x && FD_ISSET(fd, x) ? POLLPRI : 0);
    if (!ev) continue;
    p[n].fd = fd;
    p[n].events = ev;
    n++;
  }
  int ms = t ? (int)(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000) : -1;
  int rc = __wrap_poll(p, (nfds_t)n, ms);
  if (rc < 0) {
    free(p);
    return -1;
  }
  for (int i = 0; i < n; i++)
    if (p[i].revents & POLLNVAL) {
      free(p);
      return fail(EBADF);
    }
  if (r) FD_ZERO(r);
  if (w) FD_ZERO(w);
  if (x) FD_ZERO(x);
  int count = 0;
  for (int i = 0; i < n; i++) {
    if (r && (p[i].events & POLLIN) && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) FD_SET(p[i].fd, r), count++;
    if (w && (p[i].events & POLLOUT) && (p[i].revents & (POLLOUT | POLLERR))) FD_SET(p[i].fd, w), count++;
    if (x && (p[i].events & POLLPRI) && (p[i].revents & POLLPRI)) FD_SET(p[i].fd, x), count++;
  }
  if (t && rc == 0) t->tv_sec = 0, t->tv_usec = 0;
  free(p);
  return count;
}

/* ---- wasi-libc's descriptor calls, for socket descriptors ---- */

__wasi_errno_t __real___wasi_fd_read(__wasi_fd_t, const __wasi_iovec_t *, size_t, __wasi_size_t *);
__wasi_errno_t __real___wasi_fd_write(__wasi_fd_t, const __wasi_ciovec_t *, size_t, __wasi_size_t *);
__wasi_errno_t __real___wasi_fd_close(__wasi_fd_t);
__wasi_errno_t __real___wasi_fd_fdstat_get(__wasi_fd_t, __wasi_fdstat_t *);
__wasi_errno_t __real___wasi_fd_fdstat_set_flags(__wasi_fd_t, __wasi_fdflags_t);

/* The preview1 adapter's fd_write writes only the first non-empty iovec, and
 * its fd_read fills only the first one: short counts writev/readv allow, but
 * Linux writes a blocking file or pipe whole and fills a file read's every
 * iovec, and programs (and strace comparisons) see the difference. So the
 * iovecs go one at a time, on while each is done in full. */
static __wasi_errno_t file_writev(__wasi_fd_t fd, const __wasi_ciovec_t *iov, size_t n, __wasi_size_t *put) {
  __wasi_size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (!iov[i].buf_len) continue;
    __wasi_size_t k = 0;
    __wasi_errno_t e = __real___wasi_fd_write(fd, &iov[i], 1, &k);
    if (e) {
      if (total) break; /* Linux reports what was written before the error */
      return e;
    }
    total += k;
    if (k < iov[i].buf_len) break; /* non-blocking and full: a short write, as on Linux */
  }
  *put = total;
  return 0;
}

/* Only a regular file: a pipe or terminal would block for the next iovec where Linux returns what it has. */
static __wasi_errno_t file_readv(__wasi_fd_t fd, const __wasi_iovec_t *iov, size_t n, __wasi_size_t *got) {
  __wasi_fdstat_t st;
  if (n < 2 || __real___wasi_fd_fdstat_get(fd, &st) || st.fs_filetype != __WASI_FILETYPE_REGULAR_FILE) return __real___wasi_fd_read(fd, iov, n, got);
  __wasi_size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (!iov[i].buf_len) continue;
    __wasi_size_t k = 0;
    __wasi_errno_t e = __real___wasi_fd_read(fd, &iov[i], 1, &k);
    if (e) {
      if (total) break;
      return e;
    }
    total += k;
    if (k < iov[i].buf_len) break; /* end of file */
  }
  *got = total;
  return 0;
}

__wasi_errno_t __wrap___wasi_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iov, size_t n, __wasi_size_t *got) {
  struct sock *s = get((int)fd);
  if (!s) return file_readv(fd, iov, n, got);
  if (UDP(s)) {
    /* readv of a datagram scatters it over the iovecs (wasi-libc's iovec has struct iovec's layout). */
    int saved = errno;
    ssize_t r = udp_recv(s, (const struct iovec *)iov, n, 0, NULL, NULL, NULL);
    int e = errno;
    errno = saved;
    if (r < 0) return (__wasi_errno_t)e;
    *got = (__wasi_size_t)r;
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (!iov[i].buf_len) continue;
    int saved = errno;
    ssize_t r = sock_recv(s, iov[i].buf, iov[i].buf_len, 0);
    int e = errno;
    errno = saved;
    if (r < 0) return (__wasi_errno_t)e;
    *got = (__wasi_size_t)r;
    return 0;
  }
  *got = 0;
  return 0;
}

__wasi_errno_t __wrap___wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iov, size_t n, __wasi_size_t *put) {
  struct sock *s = get((int)fd);
  if (!s) return n == 1 ? __real___wasi_fd_write(fd, iov, n, put) : file_writev(fd, iov, n, put);
  if (UDP(s)) {
    /* writev sends one datagram of all the iovecs, as on Linux. */
    int saved = errno;
    ssize_t r = udp_send(s, (const struct iovec *)iov, n, 0, NULL, 0);
    int e = errno;
    errno = saved;
    if (r < 0) return (__wasi_errno_t)e;
    *put = (__wasi_size_t)r;
    return 0;
  }
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (!iov[i].buf_len) continue;
    int saved = errno;
    ssize_t r = sock_send(s, iov[i].buf, iov[i].buf_len, 0);
    int e = errno;
    errno = saved;
    if (r < 0) {
      if (total) break;
      return (__wasi_errno_t)e;
    }
    total += (size_t)r;
    if ((size_t)r < iov[i].buf_len) break;
  }
  *put = (__wasi_size_t)total;
  return 0;
}

__wasi_errno_t __wrap___wasi_fd_close(__wasi_fd_t fd) {
  struct sock *s = get((int)fd);
  if (!s) return __real___wasi_fd_close(fd);
  socks[fd] = NULL;
  release(s);
  __socklab_adapter_close_badfd((int32_t)fd);
  return 0;
}

__wasi_errno_t __wrap___wasi_fd_fdstat_get(__wasi_fd_t fd, __wasi_fdstat_t *st) {
  struct sock *s = get((int)fd);
  if (!s) return __real___wasi_fd_fdstat_get(fd, st);
  memset(st, 0, sizeof *st);
  st->fs_filetype = UDP(s) ? __WASI_FILETYPE_SOCKET_DGRAM : __WASI_FILETYPE_SOCKET_STREAM;
  st->fs_flags = s->nonblock ? __WASI_FDFLAGS_NONBLOCK : 0;
  st->fs_rights_base = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_POLL_FD_READWRITE | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS;
  return 0;
}

__wasi_errno_t __wrap___wasi_fd_fdstat_set_flags(__wasi_fd_t fd, __wasi_fdflags_t flags) {
  struct sock *s = get((int)fd);
  if (!s) return __real___wasi_fd_fdstat_set_flags(fd, flags);
  s->nonblock = (flags & __WASI_FDFLAGS_NONBLOCK) != 0;
  return 0;
}
