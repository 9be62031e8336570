/* fifo_open's waits (tests/fifo.test.ts): argv[1] picks the case.
 *   order:   a writer's blocking open waits for the reader's, and both then go on
 *   eintr:   a signal (no SA_RESTART) ends a blocking open with EINTR; the reader it
 *            would have been is gone (a non-blocking writer then gets ENXIO)
 *   restart: with SA_RESTART the open goes on waiting after the handler
 *   waiting: a reader waiting in open counts: a non-blocking writer gets in
 *   nodes DIR: mknod of a character device, and mkfifo in DIR (socklab only) */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[256];

static void say(const char *s) { write(1, s, strlen(s)); }

static void on_alarm(int sig) { (void)sig; say("alarm\n"); }

static void handle(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sa.sa_flags = flags;
  sigaction(SIGALRM, &sa, NULL);
}

static void result(const char *what, int r) {
  char b[128];
  if (r < 0) snprintf(b, sizeof b, "%s: -1 %s\n", what, strerror(errno));
  else snprintf(b, sizeof b, "%s: ok\n", what);
  say(b);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("SOCKLAB_TEST_TMP");
  snprintf(path, sizeof path, "%s/fifo_open_%s", tmp ? tmp : "/tmp", argc > 1 ? argv[1] : "x");
  unlink(path);
  if (mkfifo(path, 0600) < 0) { perror("mkfifo"); return 1; }
  const char *c = argc > 1 ? argv[1] : "";
  char buf[8] = {0};
  if (!strcmp(c, "order")) {
    pid_t w = fork();
    if (w == 0) {
      int fd = open(path, O_WRONLY);
      result("writer open", fd);
      write(fd, "hi", 2);
      _exit(0);
    }
    say("reader opening\n");
    int fd = open(path, O_RDONLY);
    /* Reported once the writer's data came, so the lines keep one order. */
    int n = (int)read(fd, buf, sizeof buf - 1);
    result("reader open", fd);
    result("read", n);
    say(buf);
    say("\n");
    waitpid(w, NULL, 0);
  } else if (!strcmp(c, "eintr")) {
    handle(0);
    alarm(1);
    result("open rdonly", open(path, O_RDONLY));
    result("open wronly nonblock", open(path, O_WRONLY | O_NONBLOCK));
  } else if (!strcmp(c, "restart")) {
    handle(SA_RESTART);
    pid_t w = fork();
    if (w == 0) {
      sleep(2);
      int fd = open(path, O_WRONLY);
      write(fd, "late", 4);
      _exit(0);
    }
    alarm(1);
    int fd = open(path, O_RDONLY);
    result("open rdonly", fd);
    result("read", (int)read(fd, buf, sizeof buf - 1));
    say(buf);
    say("\n");
    waitpid(w, NULL, 0);
  } else if (!strcmp(c, "waiting")) {
    pid_t r = fork();
    if (r == 0) {
      int fd = open(path, O_RDONLY);
      int n = (int)read(fd, buf, sizeof buf - 1);
      result("reader open", fd);
      result("read", n);
      say(buf);
      say("\n");
      _exit(0);
    }
    /* ENXIO until the child is in its open. */
    int fd;
    while ((fd = open(path, O_WRONLY | O_NONBLOCK)) < 0 && errno == ENXIO) sched_yield();
    result("writer open nonblock", fd);
    write(fd, "now", 3);
    close(fd);
    waitpid(r, NULL, 0);
  } else if (!strcmp(c, "nodes") && argc > 2) {
    char p2[300];
    snprintf(p2, sizeof p2, "%s/chr", tmp ? tmp : "/tmp");
    result("mknod chr", mknod(p2, S_IFCHR | 0600, (1 << 8) | 3 /* makedev(1, 3) */));
    snprintf(p2, sizeof p2, "%s/fifo", argv[2]);
    result("mkfifo in dir", mkfifo(p2, 0600));
  }
  unlink(path);
  return 0;
}
