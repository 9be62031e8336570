/* Reference TCP client for the echo-udp assignment (instructor's code).
 * usage: echo_client HOST PORT MESSAGE [REPEAT]
 * Sends MESSAGE (REPEAT times, default 1) while reading the echo with
 * poll(), so a large stream cannot deadlock against a server that echoes as
 * it reads; then half-closes and reads until EOF. Robust on purpose: it
 * loops on short writes and retries EINTR, so fault injection meant for the
 * student's server cannot make it fail.
 * Prints "echoed: MESSAGE" (REPEAT 1) or "echoed N bytes: ok" / "...: mismatch at byte K". */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 4096

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s HOST PORT MESSAGE [REPEAT]\n", argv[0]); return 2; }
  const char *msg = argv[3];
  size_t mlen = strlen(msg);
  long repeat = argc > 4 ? atol(argv[4]) : 1;
  size_t total = mlen * (size_t)repeat;
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
  if (rc != 0) { fprintf(stderr, "getaddrinfo %s: %s\n", argv[1], gai_strerror(rc)); return 1; }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  int c;
  while ((c = connect(fd, res->ai_addr, res->ai_addrlen)) < 0 && errno == EINTR) {}
  if (c < 0) { perror("connect"); return 1; }
  freeaddrinfo(res);

  /* The message repeated, so one write can send CHUNK bytes from any offset. */
  char *pattern = malloc(CHUNK + mlen);
  for (size_t i = 0; i < CHUNK + mlen; i++) pattern[i] = msg[i % mlen];
  size_t sent = 0, got = 0;
  long mismatch = -1;
  char echo[4096], shown[4096];
  size_t shownLen = 0;
  int wrClosed = 0;
  while (got < total || !wrClosed) {
    if (sent == total && !wrClosed) { shutdown(fd, SHUT_WR); wrClosed = 1; continue; }
    struct pollfd p = { fd, POLLIN | (sent < total ? POLLOUT : 0), 0 };
    if (poll(&p, 1, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 1; }
    if ((p.revents & POLLOUT) && sent < total) {
      size_t off = sent % mlen, n = total - sent < CHUNK ? total - sent : CHUNK;
      ssize_t w = write(fd, pattern + off, n);
      if (w < 0 && errno != EINTR && errno != EAGAIN) { perror("write"); return 1; }
      if (w > 0) sent += (size_t)w;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(fd, echo, sizeof echo);
      if (r < 0) { if (errno == EINTR) continue; perror("read"); return 1; }
      if (r == 0) break;
      for (ssize_t i = 0; i < r; i++, got++) {
        if (mismatch < 0 && (got >= total || echo[i] != msg[got % mlen])) mismatch = (long)got;
        if (shownLen < sizeof shown - 1) shown[shownLen++] = echo[i];
      }
    }
  }
  /* Whatever else the server sends before closing counts too. */
  ssize_t r;
  while ((r = read(fd, echo, sizeof echo)) != 0) {
    if (r < 0) { if (errno == EINTR) continue; break; }
    if (mismatch < 0) mismatch = (long)got;
    got += (size_t)r;
  }
  close(fd);
  shown[shownLen] = 0;
  if (mismatch < 0 && got < total) mismatch = (long)got;
  if (repeat == 1) printf("echoed: %s\n", shown);
  else if (mismatch < 0) printf("echoed %zu bytes: ok\n", got);
  else printf("echoed %zu bytes: mismatch at byte %ld\n", got, mismatch);
  return mismatch < 0 ? 0 : 1;
}
