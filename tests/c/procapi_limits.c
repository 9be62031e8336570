/* RLIMIT_NOFILE under socklab (tests/procapi.test.ts): the soft limit is
 * --max-fds, the hard one socklab's fs.nr_open (65536); the guest is root,
 * so raising the hard limit up to it succeeds (a container's root without
 * CAP_SYS_RESOURCE gets EPERM natively: not compared). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s %d %s\n", what, r, r < 0 ? strerror(errno) : "-"); }

int main(void) {
  struct rlimit rl;
  show("get", getrlimit(RLIMIT_NOFILE, &rl));
  printf("nofile %llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  /* Open until EMFILE: the fds are 3 up to the soft limit - 1. */
  int last = -1, fd;
  while ((fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0) last = fd;
  printf("last %d %s\n", last, strerror(errno));
  rl.rlim_max = 4096;
  show("lower-hard", setrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_max = 8192;
  show("raise-hard", setrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_max = 65537;
  show("past-nr-open", setrlimit(RLIMIT_NOFILE, &rl));
  rl.rlim_cur = 2000, rl.rlim_max = 8192;
  show("raise-soft", setrlimit(RLIMIT_NOFILE, &rl));
  printf("more %d\n", socket(AF_INET, SOCK_DGRAM, 0));
  show("dup2-1500", dup2(0, 1500));
  /* APUE's daemonize closes every fd below the hard limit: the SDK's preopened "/" (fd 1024) is not
   * one of the program's, so close() and dup2() onto it are EBADF and files still open afterwards. */
  getrlimit(RLIMIT_NOFILE, &rl);
  int closed = 0;
  for (int i = 3; i < (int)rl.rlim_max; i++) closed += close(i) == 0;
  printf("closed %d\n", closed);
  show("close-1024", close(1024));
  show("dup2-1024", dup2(0, 1024));
  FILE *f = fopen("/tmp-limits.txt", "w");
  printf("fopen %d\n", f != NULL);
  if (f) fclose(f);
  struct rlimit lim;
  show("nproc", getrlimit(RLIMIT_NPROC, &lim));
  printf("nproc %llu\n", (unsigned long long)lim.rlim_cur);
  return 0;
}
