/* A minimal log daemon (tests/syslog.test.ts): binds /dev/log, AF_UNIX
 * SOCK_DGRAM (or SOCK_STREAM with "stream", as rsyslog can), and prints each
 * record it receives byte for byte (escaped) until it has COUNT of them.
 * usage: syslog_logd COUNT [stream] */
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

static void show(const char *p, size_t n) {
  printf("%zu \"", n);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c == '\\' || c == '"') printf("\\%c", c);
    else if (c < 32 || c > 126) printf("\\%03o", c);
    else putchar(c);
  }
  printf("\"\n");
  fflush(stdout);
}

int main(int argc, char **argv) {
  int want = argc > 1 ? atoi(argv[1]) : 1;
  int stream = argc > 2 && strcmp(argv[2], "stream") == 0;
  int s = socket(AF_UNIX, stream ? SOCK_STREAM : SOCK_DGRAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, _PATH_LOG);
  /* As syslogd does: a name left from an earlier run is removed first. */
  unlink(_PATH_LOG);
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || (stream && listen(s, 5) < 0)) {
    perror("logd: bind " _PATH_LOG);
    return 1;
  }
  static char buf[8192];
  int got = 0;
  while (got < want) {
    if (!stream) {
      ssize_t n = recv(s, buf, sizeof buf, 0);
      if (n < 0) return 1;
      show(buf, (size_t)n);
      got++;
      continue;
    }
    /* A stream logger: records end with a NUL; one connection until the client closes it. */
    int c = accept(s, NULL, NULL);
    if (c < 0) return 1;
    printf("connection\n");
    size_t have = 0;
    ssize_t n;
    while ((n = recv(c, buf + have, sizeof buf - have, 0)) > 0) {
      have += (size_t)n;
      char *nul;
      while ((nul = memchr(buf, '\0', have)) != NULL) {
        show(buf, (size_t)(nul - buf) + 1);
        got++;
        have -= (size_t)(nul - buf) + 1;
        memmove(buf, nul + 1, have);
      }
    }
    close(c);
  }
  unlink(_PATH_LOG);
  return 0;
}
