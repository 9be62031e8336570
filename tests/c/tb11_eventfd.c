/* eventfd(2)'s EXAMPLES: the child writes each of its integers to the
 * eventfd, the parent (after the child has finished) reads their sum. Then
 * what the page's text describes: a read of a zero counter blocks (here
 * EAGAIN with EFD_NONBLOCK), EFD_SEMAPHORE reads 1 at a time, a write that
 * would overflow the counter past 0xfffffffffffffffe is EAGAIN when
 * nonblocking, an 8-byte buffer is required (EINVAL), and a blocked reader is
 * woken by another process's write. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const char *argv[] = {"1", "2", "4", "7", "14"};
  int argc = 5;
  int efd = eventfd(0, 0);
  if (efd == -1) { perror("eventfd"); return 1; }
  pid_t pid = fork();
  if (pid == 0) {
    for (int j = 0; j < argc; j++) {
      printf("Child writing %s to efd\n", argv[j]);
      /* strtoull() allows various bases */
      uint64_t u = strtoull(argv[j], NULL, 0);
      ssize_t s = write(efd, &u, sizeof(uint64_t));
      if (s != sizeof(uint64_t)) { perror("write"); _exit(1); }
    }
    printf("Child completed write loop\n");
    _exit(EXIT_SUCCESS);
  }
  /* The page's parent sleeps 2 seconds for the child to finish: here it waits for it. */
  waitpid(pid, NULL, 0);
  printf("Parent about to read\n");
  uint64_t u;
  ssize_t s = read(efd, &u, sizeof(uint64_t));
  if (s != sizeof(uint64_t)) { perror("read"); return 1; }
  printf("Parent read %" PRIu64 " (%#" PRIx64 ") from efd\n", u, u);
  close(efd);

  /* Nonblocking: an empty counter, a short buffer, an overflow. */
  efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  errno = 0;
  s = read(efd, &u, sizeof u);
  printf("read of zero counter: %zd %s\n", s, strerror(errno));
  uint32_t small = 1;
  errno = 0;
  s = write(efd, &small, sizeof small);
  printf("4-byte write: %zd %s\n", s, strerror(errno));
  u = UINT64_MAX;
  errno = 0;
  s = write(efd, &u, sizeof u);
  printf("write of 2^64-1: %zd %s\n", s, strerror(errno));
  u = UINT64_MAX - 1;
  s = write(efd, &u, sizeof u);
  printf("write of 2^64-2: %zd\n", s);
  u = 1;
  errno = 0;
  s = write(efd, &u, sizeof u);
  printf("one more: %zd %s\n", s, strerror(errno));
  s = read(efd, &u, sizeof u);
  printf("read: %zd %#" PRIx64 "\n", s, u);
  close(efd);

  /* EFD_SEMAPHORE: each read takes 1. */
  efd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
  for (int i = 0; i < 4; i++) {
    errno = 0;
    u = 0;
    s = read(efd, &u, sizeof u);
    printf("semaphore read %d: %zd value %" PRIu64 " %s\n", i, s, u, s < 0 ? strerror(errno) : "");
  }
  close(efd);

  /* A blocked read woken by the child's write. */
  efd = eventfd(0, 0);
  pid = fork();
  if (pid == 0) {
    eventfd_write(efd, 42);
    _exit(0);
  }
  eventfd_t v;
  int r = eventfd_read(efd, &v);
  printf("blocked eventfd_read: %d value %" PRIu64 "\n", r, (uint64_t)v);
  waitpid(pid, NULL, 0);
  close(efd);
  return 0;
}
