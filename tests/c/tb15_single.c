/* APUE Figures 13.6 (already_running) and 14.5's lockfile(): a daemon that
 * must run once locks its pid file. Two instances started together: the
 * first holds the lock, the second's F_SETLK fails (EAGAIN on Linux, the
 * errno APUE also allows as EACCES) and it reads the first one's pid from the
 * file. Once the first exits its lock goes with it and a third instance runs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOCKFILE "tb15_single.pid"
#define LOCKMODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)

static int lockfile(int fd) {
  struct flock fl;
  fl.l_type = F_WRLCK;
  fl.l_start = 0;
  fl.l_whence = SEEK_SET;
  fl.l_len = 0;
  return fcntl(fd, F_SETLK, &fl);
}

/* Figure 13.6, syslog(3) replaced by printf. */
static int already_running(void) {
  int fd;
  char buf[16];
  fd = open(LOCKFILE, O_RDWR | O_CREAT, LOCKMODE);
  if (fd < 0) {
    printf("can't open %s: %s\n", LOCKFILE, strerror(errno));
    exit(1);
  }
  if (lockfile(fd) < 0) {
    if (errno == EACCES || errno == EAGAIN) {
      printf("lock refused: %s\n", errno == EAGAIN ? "EAGAIN" : "EACCES");
      close(fd);
      return (1);
    }
    printf("can't lock %s: %s\n", LOCKFILE, strerror(errno));
    exit(1);
  }
  ftruncate(fd, 0);
  sprintf(buf, "%ld", (long)getpid());
  write(fd, buf, strlen(buf) + 1);
  return (0);
}

/* Who holds the lock, as F_GETLK tells and as the file says. */
static void holder(pid_t expect) {
  int fd = open(LOCKFILE, O_RDONLY);
  char buf[16] = "";
  ssize_t n = read(fd, buf, sizeof buf - 1);
  struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
  int r = fcntl(fd, F_GETLK, &fl);
  printf("pid file: the pid and its NUL %d, names the first instance %d\n", n == (ssize_t)strlen(buf) + 1, atol(buf) == (long)expect);
  printf("F_GETLK %d: write lock %d, held by the first instance %d, whole file %d\n", r, fl.l_type == F_WRLCK, fl.l_pid == expect,
         fl.l_start == 0 && fl.l_len == 0);
  close(fd);
}

int main(void) {
  umask(022);
  unlink(LOCKFILE);
  setvbuf(stdout, NULL, _IONBF, 0);
  int go[2], up[2];
  pipe(go);
  pipe(up);
  pid_t first = fork();
  if (first == 0) {
    close(go[1]);
    close(up[0]);
    int r = already_running();
    printf("first instance: already running %d\n", r);
    write(up[1], "l", 1);
    char c;
    read(go[0], &c, 1); /* hold the lock until told */
    exit(r);
  }
  close(go[0]);
  close(up[1]);
  char c;
  read(up[0], &c, 1);
  struct stat st;
  stat(LOCKFILE, &st);
  printf("pid file mode %03o\n", st.st_mode & 0777);

  pid_t second = fork();
  if (second == 0) {
    int r = already_running();
    printf("second instance: already running %d\n", r);
    holder(first);
    exit(r);
  }
  int status;
  waitpid(second, &status, 0);
  printf("second exited %d\n", WEXITSTATUS(status));

  write(go[1], "x", 1);
  waitpid(first, &status, 0);
  printf("first exited %d\n", WEXITSTATUS(status));

  pid_t third = fork();
  if (third == 0) {
    int r = already_running();
    printf("third instance: already running %d\n", r);
    char buf[16] = "";
    pread(open(LOCKFILE, O_RDONLY), buf, sizeof buf - 1, 0);
    printf("pid file names the third instance %d\n", atol(buf) == (long)getpid());
    exit(r);
  }
  waitpid(third, &status, 0);
  printf("third exited %d\n", WEXITSTATUS(status));
  unlink(LOCKFILE);
  return 0;
}
