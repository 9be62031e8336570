/* Sessions and process groups (setsid, setpgid, getpgrp, getpgid, getsid)
 * and daemon(3) as glibc writes it. */
#include <fcntl.h>
#include <unistd.h>
#include "socklab_imports.h"

SOCKLAB_IMPORT(setsid) int __socklab_setsid(pid_t *);
SOCKLAB_IMPORT(setpgid) int __socklab_setpgid(pid_t, pid_t);
SOCKLAB_IMPORT(getpgrp) int __socklab_getpgrp(pid_t *);
SOCKLAB_IMPORT(getpgid) int __socklab_getpgid(pid_t, pid_t *);
SOCKLAB_IMPORT(getsid) int __socklab_getsid(pid_t, pid_t *);

static pid_t id_or_fail(int err, pid_t id) { return __socklab_ret(err) ? -1 : id; }

pid_t setsid(void) {
  pid_t sid = -1;
  return id_or_fail(__socklab_setsid(&sid), sid);
}
int setpgid(pid_t pid, pid_t pgid) { return __socklab_ret(__socklab_setpgid(pid, pgid)); }
pid_t getpgrp(void) {
  pid_t g = -1;
  return id_or_fail(__socklab_getpgrp(&g), g);
}
pid_t getpgid(pid_t pid) {
  pid_t g = -1;
  return id_or_fail(__socklab_getpgid(pid, &g), g);
}
pid_t getsid(pid_t pid) {
  pid_t s = -1;
  return id_or_fail(__socklab_getsid(pid, &s), s);
}

/* glibc's daemon(): the parent exits at once, the child leaves the caller's
 * session and group, goes to "/" and puts /dev/null on fds 0-2. Every
 * virtual host has /dev/null (docs/abi.md, "Device files"), always the
 * character device glibc checks for (fstat, makedev(1, 3)). */
int daemon(int nochdir, int noclose) {
  switch (fork()) {
  case -1: return -1;
  case 0: break;
  default: _exit(0);
  }
  if (setsid() == -1) return -1;
  if (!nochdir) (void)chdir("/");
  if (!noclose) {
    int fd = open("/dev/null", O_RDWR);
    if (fd == -1) return -1;
    (void)dup2(fd, 0);
    (void)dup2(fd, 1);
    (void)dup2(fd, 2);
    if (fd > 2) (void)close(fd);
  }
  return 0;
}
