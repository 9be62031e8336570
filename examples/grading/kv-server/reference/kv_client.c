/* Reference client for the key-value assignment (instructor's code).
 * usage: kv_client HOST PORT CMD...
 * Sends each CMD as one line and prints the server's one-line reply as
 * "< REPLY". Special CMDs: "sleep:MS" waits MS milliseconds (holding the
 * connection open), "long:N" sends "SET big " followed by N 'x' bytes.
 * Prints "<EOF>" if the server closes the connection. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int sendall(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w; n -= (size_t)w;
  }
  return 0;
}

static char buf[8192];
static size_t blen;

/* Reads one reply line; returns 0 at EOF. */
static int readline(int fd, char *out, size_t cap) {
  for (;;) {
    char *nl = memchr(buf, '\n', blen);
    if (nl) {
      size_t n = (size_t)(nl - buf);
      if (n >= cap) n = cap - 1;
      memcpy(out, buf, n); out[n] = 0;
      size_t used = (size_t)(nl - buf) + 1;
      memmove(buf, buf + used, blen - used); blen -= used;
      return 1;
    }
    if (blen == sizeof buf) { blen = 0; }
    ssize_t r = read(fd, buf + blen, sizeof buf - blen);
    if (r < 0) { if (errno == EINTR) continue; return 0; }
    if (r == 0) return 0;
    blen += (size_t)r;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s HOST PORT CMD...\n", argv[0]); return 2; }
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (rc != 0) { fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc)); return 1; }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  int c;
  while ((c = connect(fd, res->ai_addr, res->ai_addrlen)) < 0 && errno == EINTR) {}
  if (c < 0) { perror("connect"); return 1; }
  freeaddrinfo(res);
  char reply[256];
  for (int i = 3; i < argc; i++) {
    if (strncmp(argv[i], "sleep:", 6) == 0) {
      long ms = atol(argv[i] + 6);
      struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
      nanosleep(&ts, NULL);
      continue;
    }
    if (strncmp(argv[i], "long:", 5) == 0) {
      size_t n = (size_t)atol(argv[i] + 5);
      char *line = malloc(n + 10);
      memcpy(line, "SET big ", 8);
      memset(line + 8, 'x', n);
      line[8 + n] = '\n';
      if (sendall(fd, line, n + 9) < 0) { printf("<EOF>\n"); return 0; }
      free(line);
    } else if (sendall(fd, argv[i], strlen(argv[i])) < 0 || sendall(fd, "\n", 1) < 0) {
      printf("<EOF>\n"); return 0;
    }
    if (!readline(fd, reply, sizeof reply)) { printf("<EOF>\n"); return 0; }
    printf("< %s\n", reply);
  }
  close(fd);
  return 0;
}
