/* strerror and perror with glibc's texts (wasi-libc's are musl's: "Address
 * in use" where Linux says "Address already in use"), so a program's error
 * output matches a native Linux run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "strerror_table.h"

static const char *lookup(int e) {
  if (e >= 0 && (size_t)e < SOCKLAB_ERRMSG_COUNT && socklab_errmsg[e]) return socklab_errmsg[e];
  return NULL;
}

char *strerror(int e) {
  static char unknown[32];
  const char *m = lookup(e);
  if (m) return (char *)m;
  snprintf(unknown, sizeof unknown, "Unknown error %d", e);
  return unknown;
}

int strerror_r(int e, char *buf, size_t len) {
  const char *m = lookup(e);
  char tmp[32];
  if (!m) {
    snprintf(tmp, sizeof tmp, "Unknown error %d", e);
    m = tmp;
  }
  size_t n = strlen(m);
  if (len == 0) return ERANGE;
  if (n >= len) {
    memcpy(buf, m, len - 1);
    buf[len - 1] = 0;
    return ERANGE;
  }
  memcpy(buf, m, n + 1);
  return lookup(e) ? 0 : EINVAL;
}

void perror(const char *s) {
  const char *m = strerror(errno);
  if (s && *s) fprintf(stderr, "%s: %s\n", s, m);
  else fprintf(stderr, "%s\n", m);
}
