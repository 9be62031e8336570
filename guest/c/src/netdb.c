/* Name resolution: getaddrinfo/getnameinfo ask the host (the virtual
 * network's names, numeric addresses, a small services table); the older
 * gethostbyname and getservbyname are built on them. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "socklab_imports.h"

int h_errno;

/* Host record layout (docs/abi.md): 5 x i32, addr[128], canonname[256]. */
#define REC_SIZE 404
#define MAX_RECS 32

int getaddrinfo(const char *__restrict node, const char *__restrict service, const struct addrinfo *__restrict hints, struct addrinfo **__restrict res) {
  unsigned char *buf = malloc(REC_SIZE * MAX_RECS);
  if (!buf) return EAI_MEMORY;
  int count = 0;
  int rc = __socklab_getaddrinfo(node, service, hints, buf, REC_SIZE * MAX_RECS, &count);
  if (rc) {
    if (rc == EAI_SYSTEM) errno = count;
    free(buf);
    return rc;
  }
  struct addrinfo *head = NULL, **tail = &head;
  for (int i = 0; i < count; i++) {
    const unsigned char *r = buf + i * REC_SIZE;
    int f[5];
    memcpy(f, r, sizeof f);
    struct addrinfo *ai = calloc(1, sizeof *ai + (size_t)f[4]);
    if (!ai) { freeaddrinfo(head); free(buf); return EAI_MEMORY; }
    ai->ai_flags = f[0];
    ai->ai_family = f[1];
    ai->ai_socktype = f[2];
    ai->ai_protocol = f[3];
    ai->ai_addrlen = (socklen_t)f[4];
    ai->ai_addr = (struct sockaddr *)(ai + 1);
    memcpy(ai->ai_addr, r + 20, (size_t)f[4]);
    const char *canon = (const char *)r + 148;
    if (canon[0]) ai->ai_canonname = strdup(canon);
    *tail = ai;
    tail = &ai->ai_next;
  }
  free(buf);
  *res = head;
  return 0;
}

int getnameinfo(const struct sockaddr *__restrict sa, socklen_t salen, char *__restrict host, socklen_t hostlen, char *__restrict serv, socklen_t servlen, int flags) {
  return __socklab_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}

/* gethostbyname and friends keep one static result, as glibc's do. */
static struct hostent he;
static char he_name[256];
static char *he_aliases[1];
static char *he_addrs[MAX_RECS + 1];
static unsigned char he_data[MAX_RECS][16];

struct hostent *gethostbyname2(const char *name, int af) {
  struct addrinfo hints = {0}, *res, *ai;
  hints.ai_family = af;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_CANONNAME;
  int rc = getaddrinfo(name, NULL, &hints, &res);
  if (rc) {
    h_errno = rc == EAI_AGAIN ? TRY_AGAIN : rc == EAI_NODATA ? NO_DATA : HOST_NOT_FOUND;
    return NULL;
  }
  int n = 0;
  for (ai = res; ai && n < MAX_RECS; ai = ai->ai_next) {
    const void *src = af == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
    memcpy(he_data[n], src, af == AF_INET ? 4 : 16);
    he_addrs[n] = (char *)he_data[n];
    n++;
  }
  he_addrs[n] = NULL;
  snprintf(he_name, sizeof he_name, "%s", res->ai_canonname ? res->ai_canonname : name);
  freeaddrinfo(res);
  he_aliases[0] = NULL;
  he.h_name = he_name;
  he.h_aliases = he_aliases;
  he.h_addrtype = af;
  he.h_length = af == AF_INET ? 4 : 16;
  he.h_addr_list = he_addrs;
  return &he;
}

struct hostent *gethostbyname(const char *name) { return gethostbyname2(name, AF_INET); }

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int af) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sl;
  if (af == AF_INET && len == 4) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    memcpy(&in->sin_addr, addr, 4);
    sl = sizeof *in;
  } else if (af == AF_INET6 && len == 16) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    memcpy(&in6->sin6_addr, addr, 16);
    sl = sizeof *in6;
  } else {
    h_errno = NO_RECOVERY;
    return NULL;
  }
  if (getnameinfo((struct sockaddr *)&ss, sl, he_name, sizeof he_name, NULL, 0, NI_NAMEREQD)) {
    h_errno = HOST_NOT_FOUND;
    return NULL;
  }
  memcpy(he_data[0], addr, len);
  he_addrs[0] = (char *)he_data[0];
  he_addrs[1] = NULL;
  he_aliases[0] = NULL;
  he.h_name = he_name;
  he.h_aliases = he_aliases;
  he.h_addrtype = af;
  he.h_length = (int)len;
  he.h_addr_list = he_addrs;
  return &he;
}

const char *hstrerror(int e) {
  switch (e) {
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Resolver internal error";
  }
}
void herror(const char *s) {
  if (s && *s) fprintf(stderr, "%s: %s\n", s, hstrerror(h_errno));
  else fprintf(stderr, "%s\n", hstrerror(h_errno));
}

/* The services socket programs name most, as in /etc/services. */
static const struct { const char *name; int port; const char *proto; } services[] = {
  {"echo", 7, "tcp"}, {"echo", 7, "udp"}, {"discard", 9, "tcp"}, {"discard", 9, "udp"}, {"daytime", 13, "tcp"}, {"daytime", 13, "udp"},
  {"chargen", 19, "tcp"}, {"chargen", 19, "udp"}, {"ftp", 21, "tcp"}, {"ssh", 22, "tcp"}, {"telnet", 23, "tcp"}, {"smtp", 25, "tcp"}, {"time", 37, "tcp"}, {"time", 37, "udp"},
  {"domain", 53, "tcp"}, {"domain", 53, "udp"}, {"tftp", 69, "udp"}, {"http", 80, "tcp"}, {"pop3", 110, "tcp"}, {"ntp", 123, "udp"},
  {"imap", 143, "tcp"}, {"snmp", 161, "udp"}, {"https", 443, "tcp"}, {"syslog", 514, "udp"}, {"http-alt", 8080, "tcp"},
};
static struct servent se;
static char *se_aliases[1];

static struct servent *fill_servent(int i) {
  se.s_name = (char *)services[i].name;
  se.s_aliases = se_aliases;
  se.s_port = htons((uint16_t)services[i].port);
  se.s_proto = (char *)services[i].proto;
  return &se;
}
struct servent *getservbyname(const char *name, const char *proto) {
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (!strcmp(services[i].name, name) && (!proto || !strcmp(services[i].proto, proto))) return fill_servent((int)i);
  return NULL;
}
struct servent *getservbyport(int port, const char *proto) {
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (htons((uint16_t)services[i].port) == port && (!proto || !strcmp(services[i].proto, proto))) return fill_servent((int)i);
  return NULL;
}

static const struct { const char *name; int num; } protocols[] = {
  {"ip", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"ipv6", 41}, {"ipv6-icmp", 58}, {"raw", 255},
};
static struct protoent pe;
static char *pe_aliases[1];
static struct protoent *fill_proto(int i) {
  pe.p_name = (char *)protocols[i].name;
  pe.p_aliases = pe_aliases;
  pe.p_proto = protocols[i].num;
  return &pe;
}
struct protoent *getprotobyname(const char *name) {
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++) if (!strcmp(protocols[i].name, name)) return fill_proto((int)i);
  return NULL;
}
struct protoent *getprotobynumber(int num) {
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++) if (protocols[i].num == num) return fill_proto((int)i);
  return NULL;
}
