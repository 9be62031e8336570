/* daemon(3) as glibc's (tests/procapi.test.ts compares the output with the
 * gcc build's): daemon(1, 1) keeps the directory and stdio, daemon(0, 0)
 * goes to "/" and puts /dev/null on fds 0-2. The daemon reports through a
 * dup of stdout made before, which daemon() leaves alone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  char before[256], now[256];
  if (!getcwd(before, sizeof before)) return 1;
  int out = dup(1);
  printf("before daemon\n");
  fflush(stdout);
  pid_t first = getpid();
  if (daemon(1, 1) != 0) return 2;
  /* The child of the first fork: a new session it leads, cwd and stdio kept. */
  pid_t me = getpid();
  pid_t sid = getsid(0);
  pid_t group = getpgrp();
  dprintf(out, "keep: new-process %d session-leader %d group-leader %d\n", me != first, sid == me, group == me);
  if (!getcwd(now, sizeof now)) return 3;
  dprintf(out, "keep: cwd-kept %d\n", strcmp(before, now) == 0);
  printf("keep: stdout still open\n");
  fflush(stdout);
  /* A session leader leads its group: daemon() forks again before its setsid. */
  if (daemon(0, 0) != 0) return 4;
  me = getpid();
  sid = getsid(0);
  group = getpgrp();
  dprintf(out, "close: session-leader %d group-leader %d\n", sid == me, group == me);
  if (!getcwd(now, sizeof now)) return 5;
  dprintf(out, "close: cwd %s\n", now);
  struct stat st;
  for (int fd = 0; fd < 3; fd++) {
    int r = fstat(fd, &st);
    dprintf(out, "close: fd %d stat %d chr %d\n", fd, r, r == 0 && S_ISCHR(st.st_mode));
  }
  char b[8];
  dprintf(out, "close: read %zd\n", read(0, b, sizeof b));
  dprintf(out, "close: write %zd\n", write(1, "gone\n", 5));
  int fl = fcntl(0, F_GETFL);
  dprintf(out, "close: rdwr %d\n", (fl & O_ACCMODE) == O_RDWR);
  /* The next descriptor is 3 or more: fds 0-2 are taken. */
  int p[2];
  pipe(p);
  dprintf(out, "close: next-fd-above-2 %d\n", p[0] > 2);
  printf("this line goes to /dev/null\n");
  fflush(stdout);
  return 0;
}
