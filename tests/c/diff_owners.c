/* File owners (docs/abi.md "Owners and statvfs"): root creates and chowns files, a child drops to nobody
 * and creates its own (in a set-gid directory too), chown's EPERM as nobody, chgrp to its own group, the
 * S_ISUID/S_ISGID chown clears, statvfs. Run natively as root, this prints what socklab's build prints. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *p) {
  struct stat st;
  if (lstat(p, &st)) {
    printf("lstat %s: %s\n", p, strerror(errno));
    return;
  }
  printf("  %-8s mode %06o uid %u gid %u\n", p, (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid);
}

#define T(x)                                                                  \
  do {                                                                        \
    errno = 0;                                                                \
    int r_ = (x);                                                             \
    printf("%-48s = %d %s\n", #x, r_, r_ < 0 ? strerror(errno) : "");         \
  } while (0)

static void child(void) {
  T(setgroups(0, NULL));
  T(setgid(65534));
  T(setuid(65534));
  int fd = open("od2/n", O_CREAT | O_WRONLY, 0644);
  show("od2/n");
  /* In the set-gid directory: the directory's group; a new directory inherits S_ISGID, a file loses it (not in the group). */
  int f2 = open("od/c", O_CREAT | O_WRONLY, 02755);
  show("od/c");
  /* Not group-executable: S_ISGID stays. */
  close(open("od/g", O_CREAT | O_WRONLY, 02744));
  show("od/g");
  T(mkdir("od/cd", 0777));
  show("od/cd");
  T(symlink("c", "od/cl"));
  show("od/cl");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, "od/s");
  T(bind(s, (struct sockaddr *)&a, sizeof a));
  show("od/s");
  close(s);
  /* Not the owner: only -1/-1 passes. */
  T(chown("od/r", 65534, -1));
  T(chown("od/r", -1, 65534));
  T(chown("od/r", -1, -1));
  T(chown("od/r", 0, 0));
  /* The owner: its own uid, its own group; not another's. */
  T(fchown(fd, -1, 65534));
  T(fchown(fd, 65534, -1));
  T(fchown(fd, -1, 1000));
  T(fchown(fd, 0, -1));
  T(fchownat(AT_FDCWD, "od2/n", 65534, 65534, 0));
  T(lchown("od/cl", -1, 65534));
  show("od/cl");
  T(fchown(f2, -1, 65534));
  show("od/c");
  close(fd);
  close(f2);
}

int main(void) {
  umask(022);
  /* nobody resolves names from here (the run's directory natively, a private one: 0700). */
  T(chmod(".", 0755));
  T(mkdir("od", 0755));
  T(mkdir("od2", 0777));
  T(chmod("od2", 0777));
  int fd = open("od/r", O_CREAT | O_WRONLY, 0644);
  show("od/r");
  show("od");
  T(chown("od/r", 65534, 65534));
  show("od/r");
  T(chown("od/r", 0, 0));
  /* chown clears S_ISUID, and S_ISGID where the group may execute, even as root and with -1/-1. */
  T(fchmod(fd, 06755));
  T(fchown(fd, -1, -1));
  show("od/r");
  T(fchmod(fd, 06745));
  T(fchown(fd, 0, 0));
  show("od/r");
  T(fchmod(fd, 0644));
  T(symlink("r", "od/l"));
  T(lchown("od/l", 1, 2));
  show("od/l");
  show("od/r");
  T(fchownat(AT_FDCWD, "od/l", 3, 4, AT_SYMLINK_NOFOLLOW));
  show("od/l");
  T(fchownat(AT_FDCWD, "od/l", 5, 6, 0));
  show("od/r");
  T(fchownat(fd, "", -1, 7, AT_EMPTY_PATH));
  show("od/r");
  T(fchownat(fd, "", -1, 7, 0));
  T(fchownat(AT_FDCWD, "od/r", -1, 7, 0x8));
  T(chown("od/none", 0, 0));
  T(chown("od/r/x", 0, 0));
  T(fchown(99, 0, 0));
  T(fchown(fd, 0, 0));
  /* A set-gid directory of group 1000 anyone may write. */
  T(chmod("od", 02777));
  T(chown("od", 0, 1000));
  show("od");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    child();
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  printf("child status %d\n", status);
  show("od2/n");
  T(chown("od2/n", 0, 0));
  show("od2/n");
  T(chown("od/cd", 65534, 1000));
  show("od/cd");

  struct statvfs v;
  T(statvfs(".", &v));
  printf("  f_bsize %lu f_namemax %lu rdonly %lu frsize==bsize %d\n", (unsigned long)v.f_bsize, (unsigned long)v.f_namemax, (unsigned long)(v.f_flag & ST_RDONLY), v.f_frsize == v.f_bsize);
  T(fstatvfs(fd, &v));
  printf("  f_bsize %lu f_namemax %lu bfree<=blocks %d\n", (unsigned long)v.f_bsize, (unsigned long)v.f_namemax, v.f_bfree <= v.f_blocks);
  T(statvfs("od/none", &v));
  T(fstatvfs(99, &v));
  close(fd);
  return 0;
}
