/* APUE Figures 13.7/13.8: a daemon that rereads its configuration on
 * SIGHUP and ends on SIGTERM, driven by kill() from another process.
 * Figure 13.7 waits with sigwait() in a thread; socklab has no threads (and
 * its SDK no sigwait), so the first daemon is Figure 13.8's way (a SIGHUP
 * handler, sigsuspend between signals) and the second waits on a signalfd
 * (read blocks until SIGHUP or SIGTERM is pending). Each daemon tells the
 * controller through a pipe when it has (re)read the file, so that the next
 * rewrite waits for it: no sleeps. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONF "tb15_reread.conf"

static int ack;
static volatile sig_atomic_t hup, term;

static void reread(const char *who) {
  char buf[64] = "";
  int fd = open(CONF, O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0) close(fd);
  if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = 0;
  printf("%s: config \"%s\"\n", who, n >= 0 ? buf : "?");
  write(ack, "r", 1);
}

static void sighup(int signo) { (void)signo; hup = 1; }
static void sigterm(int signo) { (void)signo; term = 1; }

/* Figure 13.8's daemon: handlers set flags, the main loop acts on them. */
static void handler_daemon(void) {
  struct sigaction sa;
  sigset_t mask, old;
  sigemptyset(&mask);
  sigaddset(&mask, SIGHUP);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, &old);
  sa.sa_handler = sigterm;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGHUP);
  sa.sa_flags = 0;
  if (sigaction(SIGTERM, &sa, NULL) < 0) exit(1);
  sa.sa_handler = sighup;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGTERM);
  if (sigaction(SIGHUP, &sa, NULL) < 0) exit(1);
  reread("handler");
  for (;;) {
    sigsuspend(&old);
    if (term) {
      printf("handler: got SIGTERM; exiting\n");
      exit(0);
    }
    if (hup) {
      hup = 0;
      printf("handler: Re-reading configuration file\n");
      reread("handler");
    }
  }
}

/* Figure 13.7's loop with a signalfd in place of sigwait. */
static void signalfd_daemon(void) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGHUP);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) exit(1);
  reread("signalfd");
  for (;;) {
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != sizeof si) exit(2);
    switch (si.ssi_signo) {
    case SIGHUP:
      printf("signalfd: Re-reading configuration file (sent by the controller %d)\n", si.ssi_pid == (unsigned)getppid());
      reread("signalfd");
      break;
    case SIGTERM:
      printf("signalfd: got SIGTERM; exiting\n");
      exit(0);
    default:
      printf("signalfd: unexpected signal %d\n", si.ssi_signo);
      exit(3);
    }
  }
}

static void conf(const char *text) {
  FILE *f = fopen(CONF, "w");
  fputs(text, f);
  fclose(f);
}

static void drive(void (*daemon_main)(void), const char *name) {
  int p[2];
  char c;
  pipe(p);
  conf("verbose=0\n");
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    ack = p[1];
    daemon_main();
  }
  close(p[1]);
  read(p[0], &c, 1);
  const char *confs[] = {"verbose=1\n", "verbose=2 port=7\n"};
  for (int i = 0; i < 2; i++) {
    conf(confs[i]);
    /* Printed once the daemon has answered: its lines come first. */
    int r = kill(pid, SIGHUP);
    read(p[0], &c, 1);
    printf("controller: kill(%s, SIGHUP) = %d, config reread\n", name, r);
  }
  int r = kill(pid, SIGTERM);
  int status;
  waitpid(pid, &status, 0);
  printf("controller: kill(%s, SIGTERM) = %d\n", name, r);
  printf("controller: %s exited %d, status %d; pipe at EOF %d\n", name, WIFEXITED(status), WEXITSTATUS(status), read(p[0], &c, 1) == 0);
  close(p[0]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  drive(handler_daemon, "handler");
  drive(signalfd_daemon, "signalfd");
  unlink(CONF);
  return 0;
}
