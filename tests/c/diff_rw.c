/* read(2) and write(2) as a C program calls them, against Linux (tests/strace-diff.test.ts): on a
 * stream socket pair, a pipe, UDP and TCP sockets, regular files and a directory, with their errors.
 * Prints nothing: the trace (each call's data and result) is what is compared. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test_tmp.h"

#ifdef __wasi__
#define BADP ((void *)(uintptr_t)0xfffffff0u)
#else
#define BADP ((void *)(uintptr_t)1)
#endif

int main(void) {
  char buf[64];
  signal(SIGPIPE, SIG_IGN);

  /* A stream pair: data both ways, zero-length calls, a bad buffer (the data stays queued). */
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
  write(sv[0], "hello", 5);
  read(sv[1], buf, 16);
  write(sv[0], buf, 0);
  read(sv[1], NULL, 0);
  write(sv[1], "again", 5);
  read(sv[0], BADP, 5);
  read(sv[0], buf, sizeof buf);
  write(sv[0], BADP, 4);
  /* Nonblocking and empty: EAGAIN. */
  fcntl(sv[1], F_SETFL, O_NONBLOCK);
  read(sv[1], buf, sizeof buf);
  /* The peer gone: EOF one way, EPIPE the other (SIGPIPE ignored). */
  close(sv[1]);
  read(sv[0], buf, sizeof buf);
  write(sv[0], "x", 1);
  close(sv[0]);

  /* Bad descriptors. */
  read(-1, buf, 1);
  write(99, "x", 1);

  /* A pipe: short reads, then EOF once the writer is closed; the wrong end. */
  int p[2];
  if (pipe(p) != 0) return 1;
  write(p[1], "abc", 3);
  read(p[0], buf, 2);
  write(p[0], "x", 1);
  read(p[1], buf, 1);
  close(p[1]);
  read(p[0], buf, sizeof buf);
  read(p[0], buf, sizeof buf);
  close(p[0]);

  /* UDP: read takes one datagram, cut to the buffer. */
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t al = sizeof a;
  bind(u, (struct sockaddr *)&a, sizeof a);
  getsockname(u, (struct sockaddr *)&a, &al);
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  write(c, "datagram one", 12);
  write(c, "two", 3);
  read(u, buf, 4);
  read(u, buf, sizeof buf);
  close(c);
  close(u);

  /* TCP not connected: read is ENOTCONN, write EPIPE. */
  int t = socket(AF_INET, SOCK_STREAM, 0);
  read(t, buf, sizeof buf);
  write(t, "x", 1);
  close(t);

  /* Files: the access mode decides, a directory cannot be read. */
  char path[256];
  tmp_path(path, sizeof path, "rw_file.txt");
  int w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(w, "file data\n", 10);
  read(w, buf, sizeof buf);
  write(w, BADP, 4);
  close(w);
  int r = open(path, O_RDONLY);
  write(r, "x", 1);
  read(r, buf, 4);
  read(r, buf, sizeof buf);
  read(r, buf, sizeof buf);
  close(r);
  unlink(path);
  int d = open(tmp_dir(), O_RDONLY | O_DIRECTORY);
  read(d, buf, sizeof buf);
  close(d);
  return 0;
}
