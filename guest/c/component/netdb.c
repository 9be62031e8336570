/* getaddrinfo and getnameinfo for a WASI 0.2 component: names through
 * wasi:sockets/ip-name-lookup, numeric hosts and ports here. WASI 0.2 has no
 * reverse lookup, so getnameinfo answers numerically (EAI_NONAME with
 * NI_NAMEREQD). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wasi02.h"

int h_errno;

static const struct { const char *name; int port; } services[] = {
  {"echo", 7}, {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"domain", 53},
  {"http", 80}, {"pop3", 110}, {"imap", 143}, {"https", 443},
};

static int service_port(const char *service, int flags, int *port) {
  *port = 0;
  if (!service) return 0;
  char *end;
  long v = strtol(service, &end, 10);
  if (*service && !*end) {
    if (v < 0 || v > 65535) return EAI_SERVICE;
    *port = (int)v;
    return 0;
  }
  if (flags & AI_NUMERICSERV) return EAI_NONAME;
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (!strcmp(service, services[i].name)) {
      *port = services[i].port;
      return 0;
    }
  return EAI_SERVICE;
}

struct addr {
  int family;
  unsigned char b[16];
};

/* Appends one addrinfo per socket type asked for (both stream and datagram when none is). */
static int add(struct addrinfo ***tail, const struct addr *a, int port, const struct addrinfo *hints, const char *canon) {
  static const int types[] = {SOCK_STREAM, SOCK_DGRAM};
  for (int i = 0; i < 2; i++) {
    if (hints && hints->ai_socktype && hints->ai_socktype != types[i]) continue;
    size_t sl = a->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    struct addrinfo *ai = calloc(1, sizeof *ai + sl);
    if (!ai) return EAI_MEMORY;
    ai->ai_family = a->family;
    ai->ai_socktype = types[i];
    ai->ai_protocol = types[i] == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    ai->ai_addrlen = (socklen_t)sl;
    ai->ai_addr = (struct sockaddr *)(ai + 1);
    if (a->family == AF_INET) {
      struct sockaddr_in *in = (void *)ai->ai_addr;
      in->sin_family = AF_INET;
      in->sin_port = htons((uint16_t)port);
      memcpy(&in->sin_addr, a->b, 4);
    } else {
      struct sockaddr_in6 *in6 = (void *)ai->ai_addr;
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons((uint16_t)port);
      memcpy(&in6->sin6_addr, a->b, 16);
    }
    if (canon && !**tail) {
      ai->ai_canonname = strdup(canon);
      canon = NULL;
    }
    **tail = ai;
    *tail = &ai->ai_next;
  }
  return 0;
}

static int gai_of(int ec) {
  switch (ec) {
  case EC_NAME_UNRESOLVABLE:
  case EC_INVALID_ARGUMENT: return EAI_NONAME;
  case EC_TEMPORARY_RESOLVER_FAILURE: return EAI_AGAIN;
  case EC_PERMANENT_RESOLVER_FAILURE: return EAI_FAIL;
  case EC_OUT_OF_MEMORY: return EAI_MEMORY;
  default: errno = __socklab_errno_of(ec); return EAI_SYSTEM;
  }
}

/* The addresses of a name through ip-name-lookup, waiting on its pollable. */
static int resolve(const char *node, struct addr *out, int max, int *count) {
  wasi_res_handle r;
  wasi_resolve_addresses(__socklab_network(), node, (uint32_t)strlen(node), &r);
  if (r.is_err) return gai_of(r.u.ec);
  uint32_t stream = r.u.h, p = 0;
  int rc = 0;
  *count = 0;
  for (;;) {
    wasi_res_ipaddr a;
    wasi_resolve_next_address(stream, &a);
    if (a.is_err) {
      if (a.u.ec == EC_WOULD_BLOCK) {
        if (!p) p = wasi_resolve_subscribe(stream);
        wasi_pollable_block(p);
        continue;
      }
      rc = gai_of(a.u.ec);
      break;
    }
    if (!a.u.opt.some) break;
    if (*count == max) continue;
    struct addr *o = &out[(*count)++];
    memset(o, 0, sizeof *o);
    if (a.u.opt.ip.tag == 0) {
      o->family = AF_INET;
      memcpy(o->b, a.u.opt.ip.u.v4, 4);
    } else {
      o->family = AF_INET6;
      for (int i = 0; i < 8; i++) {
        o->b[2 * i] = (unsigned char)(a.u.opt.ip.u.v6[i] >> 8);
        o->b[2 * i + 1] = (unsigned char)a.u.opt.ip.u.v6[i];
      }
    }
  }
  if (p) wasi_pollable_drop(p);
  wasi_resolve_drop(stream);
  return rc;
}

int getaddrinfo(const char *__restrict node, const char *__restrict service, const struct addrinfo *__restrict hints, struct addrinfo **__restrict res) {
  int flags = hints ? hints->ai_flags : 0;
  int family = hints ? hints->ai_family : AF_UNSPEC;
  if (!node && !service) return EAI_NONAME;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  if (hints && hints->ai_socktype && hints->ai_socktype != SOCK_STREAM && hints->ai_socktype != SOCK_DGRAM) return EAI_SOCKTYPE;
  int port;
  int rc = service_port(service, flags, &port);
  if (rc) return rc;
  struct addr addrs[32];
  int n = 0;
  if (!node) {
    /* The wildcard (AI_PASSIVE) or loopback addresses, IPv4 first as glibc lists them. */
    memset(addrs, 0, sizeof addrs[0] * 2);
    if (family != AF_INET6) {
      addrs[n].family = AF_INET;
      if (!(flags & AI_PASSIVE)) addrs[n].b[0] = 127, addrs[n].b[3] = 1;
      n++;
    }
    if (family != AF_INET) {
      addrs[n].family = AF_INET6;
      if (!(flags & AI_PASSIVE)) addrs[n].b[15] = 1;
      n++;
    }
  } else if (inet_pton(AF_INET, node, addrs[0].b) == 1) {
    if (family == AF_INET6) return EAI_ADDRFAMILY;
    addrs[0].family = AF_INET;
    n = 1;
  } else if (inet_pton(AF_INET6, node, addrs[0].b) == 1) {
    if (family == AF_INET) return EAI_ADDRFAMILY;
    addrs[0].family = AF_INET6;
    n = 1;
  } else if (flags & AI_NUMERICHOST) {
    return EAI_NONAME;
  } else {
    struct addr all[32];
    int got;
    rc = resolve(node, all, 32, &got);
    if (rc) return rc;
    for (int i = 0; i < got; i++)
      if (family == AF_UNSPEC || all[i].family == family) addrs[n++] = all[i];
    if (!n) return got ? EAI_ADDRFAMILY : EAI_NONAME;
  }
  struct addrinfo *head = NULL, **tail = &head;
  const char *canon = node && (flags & AI_CANONNAME) ? node : NULL;
  for (int i = 0; i < n; i++) {
    rc = add(&tail, &addrs[i], port, hints, canon);
    if (rc) {
      freeaddrinfo(head);
      return rc;
    }
  }
  *res = head;
  return 0;
}

int getnameinfo(const struct sockaddr *__restrict sa, socklen_t salen, char *__restrict host, socklen_t hostlen, char *__restrict serv, socklen_t servlen, int flags) {
  if (!sa) return EAI_FAMILY;
  const void *a;
  int port;
  if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
    a = &((const struct sockaddr_in *)sa)->sin_addr;
    port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
  } else if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
    a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
  } else {
    return EAI_FAMILY;
  }
  if (host && hostlen) {
    if (flags & NI_NAMEREQD) return EAI_NONAME; /* no reverse lookup in WASI 0.2 */
    if (!inet_ntop(sa->sa_family, a, host, hostlen)) return EAI_OVERFLOW;
  }
  if (serv && servlen) {
    if (snprintf(serv, servlen, "%d", port) >= (int)servlen) return EAI_OVERFLOW;
  }
  return 0;
}
