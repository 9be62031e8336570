/* UNP 30.7: a preforked server with a lock around accept, taken with
 * UNP's my_lock_init/my_lock_wait/my_lock_release: an fcntl record lock
 * (F_SETLKW, a write lock on the whole of a temporary file, unlinked at
 * once), so only one child at a time sleeps in accept. First, what such a
 * lock is (APUE 14.3): held by a process, not inherited by fork (F_SETLK
 * fails with EAGAIN, F_GETLK names the holder), released when its process
 * exits or closes ANY descriptor of the file, and a F_SETLKW waiting for it
 * ends with EINTR when a handler without SA_RESTART catches a signal. Then
 * the server: NCHILD children, NCLI clients making NLOOP connections each,
 * every byte checked, totals only (which child serves is the scheduler's);
 * shutdown(SHUT_RD) on the listener then fails every accept (Linux: EINVAL),
 * so the children leave one by one. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_tmp.h"

#define NCHILD 3
#define NCLI 3
#define NLOOP 4
#define MAXN 3000

static struct flock lock_it, unlock_it;
static int lock_fd = -1;

/* UNP makes the file with mkstemp, which wasi-libc lacks: open(O_EXCL) in the run's own /tmp does the same here. */
static int make_temp(const char *name) {
  char path[256];
  tmp_path(path, sizeof path, name);
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
  unlink(path);
  return fd;
}

static void my_lock_init(const char *name) {
  lock_fd = make_temp(name);
  lock_it.l_type = F_WRLCK;
  lock_it.l_whence = SEEK_SET;
  lock_it.l_start = 0;
  lock_it.l_len = 0;
  unlock_it.l_type = F_UNLCK;
  unlock_it.l_whence = SEEK_SET;
  unlock_it.l_start = 0;
  unlock_it.l_len = 0;
}

static void my_lock_wait(void) {
  int rc;
  while ((rc = fcntl(lock_fd, F_SETLKW, &lock_it)) < 0) {
    if (errno == EINTR) continue;
    perror("fcntl F_SETLKW");
    exit(1);
  }
}

static void my_lock_release(void) {
  if (fcntl(lock_fd, F_SETLKW, &unlock_it) < 0) {
    perror("fcntl unlock");
    exit(1);
  }
}

/* In a child: what another process sees of the lock. */
static const char *probe(int fd, pid_t holder) {
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  if (fcntl(fd, F_SETLK, &fl) == 0) return "free (F_SETLK took it)";
  if (errno != EAGAIN && errno != EACCES) return "F_SETLK failed oddly";
  fl.l_type = F_WRLCK;
  if (fcntl(fd, F_GETLK, &fl) < 0) return "F_GETLK failed";
  if (fl.l_type == F_UNLCK) return "busy, yet F_GETLK sees none";
  return fl.l_type == F_WRLCK && fl.l_pid == holder && fl.l_whence == SEEK_SET && fl.l_start == 0 && fl.l_len == 0 ? "EAGAIN; F_GETLK: a write lock on all of it, held by the parent" : "EAGAIN; F_GETLK: someone else";
}

/* Runs f in a child and prints what it says (one line over a pipe). */
static void in_child(const char *what, void (*f)(int out)) {
  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    f(p[1]);
    _exit(0);
  }
  close(p[1]);
  char buf[200];
  ssize_t n = read(p[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  close(p[0]);
  int st;
  waitpid(pid, &st, 0);
  printf("%s: %s\n", what, buf);
}

static void say(int out, const char *s) { write(out, s, strlen(s)); }
static void child_probe(int out) { say(out, probe(lock_fd, getppid())); }
static void child_takes(int out) {
  say(out, probe(lock_fd, getppid()));
  /* exits holding it */
}
static int other_fd;
static void child_probe_other(int out) { say(out, probe(other_fd, getppid())); }
static void on_alarm(int s) { (void)s; }
static void child_waits(int out) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART */
  sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  int r = fcntl(lock_fd, F_SETLKW, &lock_it);
  say(out, r < 0 && errno == EINTR ? "F_SETLKW waited, then EINTR (SIGALRM caught)" : "F_SETLKW did not fail with EINTR");
}

static ssize_t readn(int fd, void *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r < 0 ? -1 : (ssize_t)got;
    got += r;
  }
  return got;
}

static char pattern(int i) { return "0123456789abcdef"[i % 16]; }

static void child_main(int lfd, int served) {
  for (;;) {
    my_lock_wait();
    int conn = accept(lfd, NULL, NULL);
    int err = errno;
    my_lock_release();
    /* The parent shut the listener down: Linux fails accept with EINVAL. */
    if (conn < 0) _exit(err == EINVAL ? 0 : 2);
    char line[32];
    size_t n = 0;
    while (n + 1 < sizeof line && read(conn, line + n, 1) == 1 && line[n++] != '\n') {}
    line[n] = 0;
    int want = atoi(line);
    char out[MAXN];
    if (want < 0 || want > MAXN) want = 0;
    for (int i = 0; i < want; i++) out[i] = pattern(i);
    write(conn, out, want);
    close(conn);
    write(served, "s", 1);
  }
}

static int client(const struct sockaddr_in *srv, int who) {
  int bad = 0;
  for (int j = 0; j < NLOOP; j++) {
    int n = 400 * (who + 1) + 250 * j;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (const struct sockaddr *)srv, sizeof *srv) < 0) return 100;
    char req[16], buf[MAXN];
    int len = snprintf(req, sizeof req, "%d\n", n);
    write(fd, req, len);
    if (readn(fd, buf, n) != n) bad++;
    for (int i = 0; i < n; i++)
      if (buf[i] != pattern(i)) {
        bad++;
        break;
      }
    close(fd);
  }
  return bad;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  my_lock_init("lock.prefork");

  /* The lock, held by this process. */
  my_lock_wait();
  in_child("a child, parent holding it", child_probe);
  in_child("a child waiting with alarm(1)", child_waits);
  my_lock_release();
  in_child("a child, parent released it", child_takes);
  /* The child exited holding it: gone with it. */
  printf("parent after that child's exit: F_SETLK %s\n", fcntl(lock_fd, F_SETLK, &lock_it) == 0 ? "succeeds" : "fails");
  my_lock_release();

  /* Two descriptors of one file: closing either drops the process's locks. */
  char other[256];
  tmp_path(other, sizeof other, "lock.other");
  other_fd = open(other, O_RDWR | O_CREAT | O_EXCL, 0600);
  int again = open(other, O_RDWR);
  unlink(other);
  fcntl(other_fd, F_SETLKW, &lock_it);
  in_child("second file, locked through one fd", child_probe_other);
  close(again);
  in_child("second file, after closing the other fd", child_probe_other);
  close(other_fd);

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 16);
  int served[2];
  pipe(served);
  pid_t kids[NCHILD];
  for (int i = 0; i < NCHILD; i++)
    if ((kids[i] = fork()) == 0) {
      close(served[0]);
      child_main(lfd, served[1]);
    }
  close(served[1]);
  pid_t cli[NCLI];
  for (int i = 0; i < NCLI; i++)
    if ((cli[i] = fork()) == 0) _exit(client(&a, i));
  int ok = 0;
  for (int i = 0; i < NCLI; i++) {
    int st;
    waitpid(cli[i], &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ok++;
  }
  int total = 0;
  char c;
  while (total < NCLI * NLOOP && read(served[0], &c, 1) == 1) total++;
  printf("server: %d children, %d of %d clients saw every byte, %d connections served one accept at a time\n", NCHILD, ok, NCLI, total);
  /* Rather than SIGTERM (who holds the lock as they die would be the scheduler's): each child in turn takes
   * the lock, finds accept failing and leaves. */
  shutdown(lfd, SHUT_RD);
  int left = 0;
  for (int i = 0; i < NCHILD; i++) {
    int st;
    waitpid(kids[i], &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) left++;
  }
  printf("server: listener shut down; %d children took the lock once more, saw accept fail with EINVAL and exited\n", left);
  close(lfd);
  return 0;
}
