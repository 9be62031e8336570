/* sendfile(2)'s partial counts (tests/sendfile.test.ts): into a pipe it moves what
 * fits and returns; on a blocking socket nobody reads, a signal's handler
 * interrupts it after some bytes, which it returns (the file offset moved by
 * as many); interrupted before any, EINTR. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SIZE (1024 * 1024)

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  static char data[SIZE];
  memset(data, 'x', sizeof data);
  int f = open("sf_partial.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (f < 0 || write(f, data, SIZE) != SIZE) return perror("file"), 1;
  lseek(f, 0, SEEK_SET);

  int p[2];
  if (pipe(p)) return 1;
  off_t off = 0;
  ssize_t r = sendfile(p[1], f, &off, SIZE);
  printf("pipe: %zd, offset %lld\n", r, (long long)off);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return 1;
  struct itimerval it = {{0, 0}, {0, 200000}};
  setitimer(ITIMER_REAL, &it, NULL);
  r = sendfile(sv[0], f, NULL, SIZE);
  long long at = lseek(f, 0, SEEK_CUR);
  printf("socket: partial %s, file offset moved by the count %s\n", r > 0 && r < SIZE ? "yes" : "no", at == r ? "yes" : "no");
  /* The buffer is full: interrupted before a byte, EINTR. */
  setitimer(ITIMER_REAL, &it, NULL);
  r = sendfile(sv[0], f, NULL, SIZE);
  printf("full socket: %zd %s\n", r, r < 0 ? strerror(errno) : "");
  unlink("sf_partial.bin");
  return 0;
}
