/* socklab's side of owners and statvfs (tests/owners.test.ts): tmpfs numbers under --max-fs, fstatvfs of
 * a socket and a pipe, bad pointers, fstat's owner of a file nobody made, and (argv[1]: a mounted host
 * file) a mount's 0/0 owner, its chown rules and the host's statfs. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define T(x)                                                          \
  do {                                                                \
    errno = 0;                                                        \
    int r_ = (x);                                                     \
    printf("%s = %d %s\n", #x, r_, r_ < 0 ? strerror(errno) : "");    \
  } while (0)

static void vfs(const char *what, const struct statvfs *v) {
  printf("%s: type %#x bsize %lu frsize %lu blocks %llu bfree %llu bavail %llu files %llu ffree %llu namemax %lu flag %#lx\n", what, v->f_type,
         v->f_bsize, v->f_frsize, v->f_blocks, v->f_bfree, v->f_bavail, v->f_files, v->f_ffree, v->f_namemax, v->f_flag);
}

int main(int argc, char **argv) {
  struct statvfs v, w;
  T(statvfs("/tmp", &v));
  vfs("tmp", &v);
  int fd = open("/tmp/big", O_CREAT | O_WRONLY, 0644);
  char buf[8192];
  memset(buf, 'x', sizeof buf);
  write(fd, buf, sizeof buf);
  T(fstatvfs(fd, &w));
  printf("used blocks %llu, inodes %llu\n", v.f_bfree - w.f_bfree, v.f_ffree - w.f_ffree);
  int sv[2], p[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  pipe(p);
  T(fstatvfs(sv[0], &v));
  vfs("socket", &v);
  T(fstatvfs(p[0], &v));
  vfs("pipe", &v);
  T(statvfs(NULL, &v));
  T(statvfs("/tmp", NULL));
  T(statvfs("/nonexistent/x", &v));
  T(fstatvfs(-1, &v));
  fflush(stdout);
  if (fork() == 0) {
    setgroups(0, NULL);
    setgid(65534);
    setuid(65534);
    int f = open("/tmp/nf", O_CREAT | O_WRONLY, 0600);
    struct stat st;
    T(fstat(f, &st));
    printf("fstat: uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
    if (argc > 1) T(chown(argv[1], -1, -1));
    if (argc > 1) T(chown(argv[1], -1, 0));
    fflush(stdout);
    _exit(0);
  }
  wait(NULL);
  if (argc > 1) {
    struct stat st;
    T(stat(argv[1], &st));
    printf("mount file: uid %u gid %u\n", (unsigned)st.st_uid, (unsigned)st.st_gid);
    T(chown(argv[1], 0, 0));
    T(chown(argv[1], -1, -1));
    T(chown(argv[1], 65534, -1));
    T(chown(argv[1], -1, 65534));
    T(statvfs(argv[1], &v));
    vfs("mount", &v);
  }
  return 0;
}
