/* Address conversions with Linux's AF_* numbering (wasi-libc's own
 * inet_pton/inet_ntop take WASI's AF_INET=1, AF_INET6=2). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <stdlib.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

uint16_t htons(uint16_t x) { return (uint16_t)(x << 8 | x >> 8); }
uint16_t ntohs(uint16_t x) { return htons(x); }
uint32_t htonl(uint32_t x) { return x >> 24 | (x >> 8 & 0xff00) | (x << 8 & 0xff0000) | x << 24; }
uint32_t ntohl(uint32_t x) { return htonl(x); }

/* inet_aton's classic forms: a, a.b, a.b.c, a.b.c.d, each part decimal, octal or hex. */
int inet_aton(const char *s, struct in_addr *dst) {
  unsigned long parts[4];
  int n = 0;
  const char *p = s;
  for (;;) {
    if (!isdigit((unsigned char)*p)) return 0;
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 0);
    if (errno || end == p) return 0;
    parts[n++] = v;
    if (*end == 0) break;
    if (*end != '.' || n == 4) return 0;
    p = end + 1;
  }
  unsigned long a;
  switch (n) {
    case 1: a = parts[0]; if (a > 0xffffffffUL) return 0; break;
    case 2: if (parts[0] > 255 || parts[1] > 0xffffff) return 0; a = parts[0] << 24 | parts[1]; break;
    case 3: if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return 0; a = parts[0] << 24 | parts[1] << 16 | parts[2]; break;
    default: for (int i = 0; i < 4; i++) if (parts[i] > 255) return 0;
      a = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
  }
  if (dst) dst->s_addr = htonl((uint32_t)a);
  return 1;
}

in_addr_t inet_addr(const char *s) {
  struct in_addr a;
  return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

in_addr_t inet_network(const char *s) {
  struct in_addr a;
  return inet_aton(s, &a) ? ntohl(a.s_addr) : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in) {
  static char buf[INET_ADDRSTRLEN];
  const unsigned char *b = (const unsigned char *)&in.s_addr;
  snprintf(buf, sizeof buf, "%d.%d.%d.%d", b[0], b[1], b[2], b[3]);
  return buf;
}

struct in_addr inet_makeaddr(in_addr_t net, in_addr_t host) {
  struct in_addr a;
  a.s_addr = htonl(net < 256 ? net << 24 | (host & 0xffffff) : net < 65536 ? net << 16 | (host & 0xffff) : net << 8 | (host & 0xff));
  return a;
}
in_addr_t inet_lnaof(struct in_addr in) {
  uint32_t h = ntohl(in.s_addr);
  return (h >> 31) == 0 ? h & 0xffffff : (h >> 30) == 2 ? h & 0xffff : h & 0xff;
}
in_addr_t inet_netof(struct in_addr in) {
  uint32_t h = ntohl(in.s_addr);
  return (h >> 31) == 0 ? h >> 24 : (h >> 30) == 2 ? h >> 16 : h >> 8;
}

static int pton4(const char *s, unsigned char *out) {
  int n = 0;
  for (int i = 0; i < 4; i++) {
    if (!isdigit((unsigned char)*s)) return 0;
    int v = 0, digits = 0;
    if (s[0] == '0' && isdigit((unsigned char)s[1])) return 0; /* no leading zeros, as glibc */
    while (isdigit((unsigned char)*s)) { v = v * 10 + (*s++ - '0'); if (++digits > 3 || v > 255) return 0; }
    out[n++] = (unsigned char)v;
    if (i < 3 && *s++ != '.') return 0;
  }
  return *s == 0;
}

static int hexval(int c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int pton6(const char *s, unsigned char *out) {
  uint16_t words[8];
  int n = 0, gap = -1;
  if (s[0] == ':' && s[1] == ':') { gap = 0; s += 2; if (!*s) goto done; }
  else if (*s == ':') return 0;
  for (;;) {
    if (n == 8) return 0;
    const char *start = s;
    int v = 0, d = 0, h;
    while ((h = hexval(*s)) >= 0 && d < 5) { v = v << 4 | h; s++; d++; }
    if (d == 0 || d > 4) {
      return 0;
    }
    if (*s == '.') { /* embedded IPv4 in the last 32 bits */
      if (n > 6) return 0;
      unsigned char v4[4];
      if (!pton4(start, v4)) return 0;
      words[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
      words[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
      break;
    }
    words[n++] = (uint16_t)v;
    if (!*s) break;
    if (*s++ != ':') return 0;
    if (*s == ':') {
      if (gap >= 0) return 0;
      gap = n;
      s++;
      if (!*s) break;
    } else if (!*s) return 0;
  }
done:
  if (gap < 0 && n != 8) return 0;
  if (gap >= 0 && n == 8) return 0;
  memset(out, 0, 16);
  int tail = gap < 0 ? 0 : n - gap;
  for (int i = 0; i < (gap < 0 ? n : gap); i++) { out[2 * i] = words[i] >> 8; out[2 * i + 1] = words[i] & 0xff; }
  for (int i = 0; i < tail; i++) {
    int k = 8 - tail + i;
    out[2 * k] = words[gap + i] >> 8;
    out[2 * k + 1] = words[gap + i] & 0xff;
  }
  return 1;
}

int inet_pton(int af, const char *__restrict s, void *__restrict dst) {
  if (af == AF_INET) return pton4(s, dst);
  if (af == AF_INET6) return pton6(s, dst);
  errno = EAFNOSUPPORT;
  return -1;
}

const char *inet_ntop(int af, const void *__restrict src, char *__restrict dst, socklen_t size) {
  const unsigned char *a = src;
  char buf[INET6_ADDRSTRLEN];
  if (af == AF_INET) {
    snprintf(buf, sizeof buf, "%d.%d.%d.%d", a[0], a[1], a[2], a[3]);
  } else if (af == AF_INET6) {
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(a, v4mapped, 12)) {
      snprintf(buf, sizeof buf, "::ffff:%d.%d.%d.%d", a[12], a[13], a[14], a[15]);
    } else {
      /* RFC 5952: the longest run (>= 2) of zero words becomes "::". */
      int best = -1, bestlen = 0;
      for (int i = 0; i < 8;) {
        if (!a[2 * i] && !a[2 * i + 1]) {
          int j = i;
          while (j < 8 && !a[2 * j] && !a[2 * j + 1]) j++;
          if (j - i > bestlen && j - i >= 2) { best = i; bestlen = j - i; }
          i = j;
        } else i++;
      }
      char *p = buf;
      for (int i = 0; i < 8; i++) {
        if (i == best) { *p++ = ':'; if (i == 0) *p++ = ':'; i += bestlen - 1; if (i == 7) *p = 0; continue; }
        p += sprintf(p, "%x", a[2 * i] << 8 | a[2 * i + 1]);
        if (i < 7) *p++ = ':';
      }
      *p = 0;
    }
  } else {
    errno = EAFNOSUPPORT;
    return NULL;
  }
  if (strlen(buf) + 1 > size) { errno = ENOSPC; return NULL; }
  strcpy(dst, buf);
  return dst;
}
