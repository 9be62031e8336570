/* Pipes as on Linux: fd numbers (the first fd is 3), EOF once the writer
 * closes, EPIPE with SIGPIPE ignored, EAGAIN on a non-blocking pipe, a 64 KiB
 * capacity, PIPE_BUF atomicity (a small write that does not fit is refused
 * whole) and poll readiness. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *err(void) {
  return errno == EAGAIN ? "EAGAIN" : errno == EPIPE ? "EPIPE" : errno == EBADF ? "EBADF" : errno == EINVAL ? "EINVAL" : "other";
}

static int revents(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  int n = poll(&p, 1, 0);
  return n < 0 ? -1 : p.revents;
}

int main(void) {
  static char buf[70000];
  int fds[2];
  if (pipe(fds) != 0) return perror("pipe"), 1;
  printf("pipe: read end %d, write end %d\n", fds[0], fds[1]);
  printf("PIPE_BUF %d\n", PIPE_BUF);

  /* Readiness, then data, then EOF when the only writer closes. */
  printf("empty: read end revents 0x%x, write end revents 0x%x\n", revents(fds[0], POLLIN), revents(fds[1], POLLOUT));
  ssize_t n = write(fds[1], "hello", 5);
  printf("write %zd\n", n);
  printf("with data: read end revents 0x%x\n", revents(fds[0], POLLIN));
  close(fds[1]);
  printf("writer closed: read end revents 0x%x\n", revents(fds[0], POLLIN));
  n = read(fds[0], buf, sizeof buf);
  printf("read %zd \"%.*s\"\n", n, (int)n, buf);
  n = read(fds[0], buf, sizeof buf);
  printf("read %zd (EOF)\n", n);
  printf("drained: read end revents 0x%x\n", revents(fds[0], POLLIN));
  close(fds[0]);

  /* No reader: EPIPE once SIGPIPE is ignored. */
  signal(SIGPIPE, SIG_IGN);
  if (pipe(fds) != 0) return perror("pipe"), 1;
  printf("pipe again: %d %d\n", fds[0], fds[1]);
  close(fds[0]);
  printf("reader closed: write end revents 0x%x\n", revents(fds[1], POLLOUT));
  n = write(fds[1], "x", 1);
  printf("write %zd %s\n", n, n < 0 ? err() : "");
  close(fds[1]);

  /* Non-blocking: EAGAIN both ways, 64 KiB of room, PIPE_BUF atomicity. */
  if (pipe2(fds, O_NONBLOCK) != 0) return perror("pipe2"), 1;
  int fl = fcntl(fds[0], F_GETFL);
  printf("pipe2 O_NONBLOCK: %d %d nonblock=%d rdonly=%d wronly=%d\n", fds[0], fds[1], (fl & O_NONBLOCK) != 0, (fl & O_ACCMODE) == O_RDONLY,
         (fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
  n = read(fds[0], buf, 10);
  printf("read empty: %zd %s\n", n, err());
  long total = 0;
  int writes = 0;
  memset(buf, 'a', sizeof buf);
  while ((n = write(fds[1], buf, 4096)) > 0) {
    total += n;
    writes++;
  }
  printf("filled with %d writes of 4096: %ld bytes, then %zd %s\n", writes, total, n, err());
  printf("full: write end revents 0x%x\n", revents(fds[1], POLLOUT));
  n = read(fds[0], buf, 4096);
  printf("read %zd\n", n);
  n = write(fds[1], buf, 4097);
  printf("write 4097 (more than PIPE_BUF) into 4096 of room: %zd\n", n);
  n = read(fds[0], buf, 8192);
  printf("read %zd\n", n);
  n = write(fds[1], buf, 100);
  printf("write 100: %zd\n", n);
  n = write(fds[1], buf, 4096);
  printf("write 4096: %zd\n", n);
  n = write(fds[1], buf, 4000);
  printf("write 4000 (at most PIPE_BUF, does not fit whole): %zd %s\n", n, n < 0 ? err() : "");
  total = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) total += n;
  printf("drained %ld bytes, then %zd %s\n", total, n, err());
  close(fds[1]);
  n = read(fds[0], buf, 10);
  printf("after the writer closed: %zd\n", n);
  close(fds[0]);

  /* A blocking write bigger than the pipe: its first 64 KiB fit, and the rest would wait. */
  if (pipe(fds) != 0) return perror("pipe"), 1;
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  n = write(fds[1], buf, sizeof buf);
  printf("non-blocking write of %zu: %zd\n", sizeof buf, n);
  return 0;
}
