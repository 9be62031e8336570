/* File modes as Linux has them (tests/strace-diff.test.ts, tests/fsmodes.test.ts): umask (fork inherits it),
 * files, directories and an AF_UNIX socket file created with mode & ~umask, chmod/fchmod/fchmodat and what
 * stat/fstat show after each, sockets' and pipes' own inodes, and the error cases. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

static void show(const char *what, const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) printf("%s: stat %s\n", what, strerror(errno));
  else printf("%s: %07o\n", what, (unsigned)st.st_mode);
}
static void fshow(const char *what, int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) printf("%s: fstat %s\n", what, strerror(errno));
  else printf("%s: %07o\n", what, (unsigned)st.st_mode);
}
static void res(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void) {
  char f[200], d[200], s[200], sub[220], missing[220], notdir[220];
  tmp_path(f, sizeof f, "fsm_file");
  tmp_path(d, sizeof d, "fsm_dir");
  tmp_path(s, sizeof s, "fsm_sock");
  tmp_path(missing, sizeof missing, "fsm_missing");
  snprintf(sub, sizeof sub, "%s/sub", d);
  snprintf(notdir, sizeof notdir, "%s/x", f);

  printf("umask was %03o\n", (unsigned)umask(027));
  int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0666);
  fshow("created file", fd);
  mkdir(d, 0777);
  show("created dir", d);
  int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, s);
  res("bind", bind(sfd, (struct sockaddr *)&a, sizeof a));
  show("socket file", s);
  printf("umask was %03o\n", (unsigned)umask(022));

  res("chmod 0600", chmod(f, 0600));
  show("file", f);
  res("chmod 04755", chmod(f, 04755));
  show("file", f);
  res("chmod 0170644", chmod(f, 0170644));
  show("file", f);
  res("fchmod 0640", fchmod(fd, 0640));
  fshow("file", fd);
  res("fchmodat 0604", fchmodat(AT_FDCWD, f, 0604, 0));
  show("file", f);
  int dfd = open(d, O_RDONLY | O_DIRECTORY);
  res("fchmodat missing", fchmodat(dfd, "sub", 0700, 0));
  close(open(sub, O_CREAT | O_WRONLY, 0666));
  res("fchmodat dirfd", fchmodat(dfd, "sub", 0700, 0));
  show("sub", sub);
  res("chmod dir", chmod(d, 0700));
  show("dir", d);
  res("chmod socket file", chmod(s, 0666));
  show("socket file", s);
  fshow("socket fd", sfd);
  res("fchmod socket", fchmod(sfd, 0600));
  fshow("socket fd", sfd);
  show("socket file", s);

  int p[2];
  pipe(p);
  fshow("pipe", p[0]);
  res("fchmod pipe", fchmod(p[0], 0640));
  fshow("other end", p[1]);

  res("chmod missing", chmod(missing, 0600));
  res("chmod empty", chmod("", 0600));
  res("chmod not a dir", chmod(notdir, 0600));
  res("fchmod -1", fchmod(-1, 0600));
  res("fchmod 99", fchmod(99, 0600));
  res("fchmodat 99", fchmodat(99, "x", 0600, 0));
  res("fchmodat file fd", fchmodat(fd, "x", 0600, 0));
  /* An absolute path ignores the directory fd, even a bad one (ENOENT, not EBADF). */
  res("fchmodat 99 absolute", fchmodat(99, "/nonexistent-fsmodes", 0644, 0));
  res("fchmodat bad flag", fchmodat(AT_FDCWD, f, 0644, 0x8000));

  umask(077);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    printf("child's umask %03o\n", (unsigned)umask(0));
    return 0;
  }
  waitpid(pid, NULL, 0);
  printf("parent's umask %03o\n", (unsigned)umask(022));

  close(p[0]);
  close(p[1]);
  close(dfd);
  close(sfd);
  close(fd);
  unlink(sub);
  unlink(s);
  unlink(f);
  rmdir(d);
  return 0;
}
