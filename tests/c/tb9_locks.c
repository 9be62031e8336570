/* Record locking as APUE 14.3 teaches it (lock_reg, lock_test), the
 * locks UNP 30.7 puts around accept: byte ranges of one file, each held by
 * a process. Shared read locks and exclusive write locks; a process's own
 * locks merge, split and change type as it asks; the range may be given
 * from the current offset or the end, with a negative length; F_GETLK
 * names the first lock in the way (in the kernel's order) and leaves the
 * struct as it was but for l_type when none is; the errors; and a deadlock
 * between two processes, which the kernel breaks by failing one F_SETLKW
 * with EDEADLK (which of the two is timing: only that one did is printed);
 * and a F_SETLKW that a SA_RESTART handler's signal interrupts goes on.
 * Each question is asked by a child, which prints its answer. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

static int fd;

static int lock_reg(int fd, int cmd, int type, off_t offset, int whence, off_t len) {
  struct flock lock;
  lock.l_type = type;
  lock.l_start = offset;
  lock.l_whence = whence;
  lock.l_len = len;
  return fcntl(fd, cmd, &lock);
}
#define read_lock(fd, offset, whence, len) lock_reg((fd), F_SETLK, F_RDLCK, (offset), (whence), (len))
#define write_lock(fd, offset, whence, len) lock_reg((fd), F_SETLK, F_WRLCK, (offset), (whence), (len))
#define un_lock(fd, offset, whence, len) lock_reg((fd), F_SETLK, F_UNLCK, (offset), (whence), (len))

static const char *res(int r) {
  static char buf[4][40];
  static int i;
  char *b = buf[i++ % 4];
  if (r == 0) return "ok";
  snprintf(b, 40, "%s", errno == EAGAIN ? "EAGAIN" : errno == EINVAL ? "EINVAL" : errno == EBADF ? "EBADF" : errno == EDEADLK ? "EDEADLK" : "other error");
  return b;
}

/* APUE's lock_test, showing the whole answer. */
static void show_test(const char *what, int type, off_t start, off_t len) {
  struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = -7};
  if (fcntl(fd, F_GETLK, &l) < 0) {
    printf("  %s: F_GETLK %s\n", what, res(-1));
    return;
  }
  if (l.l_type == F_UNLCK)
    printf("  %s: F_GETLK none in the way (start %lld, len %lld, pid %s as given)\n", what, (long long)l.l_start, (long long)l.l_len, l.l_pid == -7 ? "left" : "changed");
  else
    printf("  %s: F_GETLK %s lock, start %lld, len %lld, whence %s, held by the %s\n", what, l.l_type == F_RDLCK ? "read" : "write", (long long)l.l_start,
           (long long)l.l_len, l.l_whence == SEEK_SET ? "SEEK_SET" : "other", l.l_pid == getppid() ? "parent" : "another");
}

static int alarm_pipe;
static void on_alarm(int signo) {
  (void)signo;
  write(alarm_pipe, "a", 1);
}

static void child(void (*f)(void)) {
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    f();
    fflush(stdout);
    _exit(0);
  }
  waitpid(p, NULL, 0);
}

static void c_shared(void) {
  printf("  child: read lock 5..14: %s\n", res(read_lock(fd, 5, SEEK_SET, 10)));
  printf("  child: write lock 0..4: %s\n", res(write_lock(fd, 0, SEEK_SET, 5)));
  show_test("child asks for a write lock on 0..19", F_WRLCK, 0, 20);
  show_test("child asks for a read lock on 0..19", F_RDLCK, 0, 20);
}
static void c_split(void) {
  show_test("write 0..99 asked", F_WRLCK, 0, 100);
  show_test("write 40..59 asked", F_WRLCK, 40, 20);
  printf("  child: write lock 40..59: %s\n", res(write_lock(fd, 40, SEEK_SET, 20)));
  printf("  child: write lock 30..45: %s\n", res(write_lock(fd, 30, SEEK_SET, 16)));
  show_test("write 60..200 asked", F_WRLCK, 60, 141);
}
static void c_whence(void) {
  show_test("write 0..1000 asked", F_WRLCK, 0, 1001);
  show_test("write 45..1000 asked", F_WRLCK, 45, 956);
  show_test("write 300..300 asked", F_WRLCK, 300, 1);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  char path[256];
  tmp_path(path, sizeof path, "locks.data");
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  int ro = open(path, O_RDONLY);
  int wo = open(path, O_WRONLY);
  char zeros[200] = {0};
  write(fd, zeros, sizeof zeros);

  printf("shared and exclusive: the parent holds a read lock on 0..9\n");
  read_lock(fd, 0, SEEK_SET, 10);
  child(c_shared);
  printf("  parent: read lock 0..9 made a write lock: %s (the child's read lock is gone with it)\n", res(write_lock(fd, 0, SEEK_SET, 10)));

  printf("split and merge: the parent write-locks 0..99, then unlocks 40..59, write-locks 100..109 and 110..119\n");
  write_lock(fd, 0, SEEK_SET, 100);
  un_lock(fd, 40, SEEK_SET, 20);
  write_lock(fd, 100, SEEK_SET, 10);
  write_lock(fd, 110, SEEK_SET, 10);
  child(c_split);
  printf("  parent: a read lock on 50..69 (over its write lock 60..69): %s\n", res(read_lock(fd, 50, SEEK_SET, 20)));
  show_test("parent asks about its own range 0..200", F_WRLCK, 0, 201);
  un_lock(fd, 0, SEEK_SET, 0);

  printf("offsets: from the current offset (50, then -5 for 5), a negative length, from the end\n");
  lseek(fd, 50, SEEK_SET);
  lock_reg(fd, F_SETLK, F_WRLCK, -5, SEEK_CUR, 5);
  lock_reg(fd, F_SETLK, F_WRLCK, 10, SEEK_SET, -5);
  lock_reg(fd, F_SETLK, F_RDLCK, 0, SEEK_END, 0);
  child(c_whence);
  un_lock(fd, 0, SEEK_SET, 0);

  printf("errors\n");
  printf("  l_type 7: %s\n", res(lock_reg(fd, F_SETLK, 7, 0, SEEK_SET, 1)));
  printf("  l_whence 9: %s\n", res(lock_reg(fd, F_SETLK, F_WRLCK, 0, 9, 1)));
  printf("  l_start -1 from SEEK_SET: %s\n", res(lock_reg(fd, F_SETLK, F_WRLCK, -1, SEEK_SET, 1)));
  printf("  l_len -5 at 2: %s\n", res(lock_reg(fd, F_SETLK, F_WRLCK, 2, SEEK_SET, -5)));
  printf("  F_GETLK of F_UNLCK: %s\n", res(lock_reg(fd, F_GETLK, F_UNLCK, 0, SEEK_SET, 1)));
  printf("  write lock on a read-only fd: %s\n", res(lock_reg(ro, F_SETLK, F_WRLCK, 0, SEEK_SET, 1)));
  printf("  read lock on a write-only fd: %s\n", res(lock_reg(wo, F_SETLK, F_RDLCK, 0, SEEK_SET, 1)));
  printf("  read lock on a read-only fd: %s\n", res(lock_reg(ro, F_SETLK, F_RDLCK, 0, SEEK_SET, 1)));
  printf("  unlock on a read-only fd: %s\n", res(lock_reg(ro, F_SETLK, F_UNLCK, 0, SEEK_SET, 0)));
  printf("  fd 99: %s\n", res(lock_reg(99, F_SETLK, F_WRLCK, 0, SEEK_SET, 1)));

  printf("a signal caught by a SA_RESTART handler while F_SETLKW waits: the call goes on waiting\n");
  int seen[2];
  pipe(seen);
  alarm_pipe = seen[1];
  write_lock(fd, 0, SEEK_SET, 0);
  pid_t w = fork();
  if (w == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    int r = lock_reg(fd, F_SETLKW, F_WRLCK, 0, SEEK_SET, 0);
    _exit(r == 0 ? 0 : 1);
  }
  /* The handler has run: only then is the lock let go. */
  char a;
  read(seen[0], &a, 1);
  un_lock(fd, 0, SEEK_SET, 0);
  int wst;
  waitpid(w, &wst, 0);
  printf("  child: its handler ran, then F_SETLKW %s\n", WIFEXITED(wst) && WEXITSTATUS(wst) == 0 ? "took the lock once the parent let go" : "failed");

  printf("deadlock: the parent holds byte 0, a child byte 1; each then waits for the other's\n");
  int go[2], back[2];
  pipe(go);
  pipe(back);
  lock_reg(fd, F_SETLKW, F_WRLCK, 0, SEEK_SET, 1);
  pid_t c = fork();
  if (c == 0) {
    lock_reg(fd, F_SETLKW, F_WRLCK, 1, SEEK_SET, 1);
    write(back[1], "h", 1);
    char x;
    read(go[0], &x, 1);
    int r = lock_reg(fd, F_SETLKW, F_WRLCK, 0, SEEK_SET, 1);
    int dead = r < 0 && errno == EDEADLK;
    /* The loser lets go of what it holds: the other's F_SETLKW then succeeds. */
    if (dead) un_lock(fd, 0, SEEK_SET, 0);
    _exit(dead ? 1 : r == 0 ? 0 : 2);
  }
  char x;
  read(back[0], &x, 1);
  write(go[1], "g", 1);
  int r = lock_reg(fd, F_SETLKW, F_WRLCK, 1, SEEK_SET, 1);
  int pdead = r < 0 && errno == EDEADLK;
  if (pdead) un_lock(fd, 0, SEEK_SET, 0);
  int st;
  waitpid(c, &st, 0);
  int cdead = WIFEXITED(st) && WEXITSTATUS(st) == 1;
  int cok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
  printf("  one F_SETLKW failed with EDEADLK: %s; the other got its byte: %s\n", pdead + cdead == 1 ? "yes" : "no", (pdead && cok) || (cdead && r == 0) ? "yes" : "no");
  unlink(path);
  return 0;
}
