/* UNP Figure 13.4's daemon_init and a forking TCP server (UNP 5.2 with
 * 5.7's sig_chld), as a daemon: x15_netd PORT LOGDIR. syslog(3) is replaced
 * by a log file LOGDIR/netd.log opened after daemon_init (openlog's place);
 * the daemon writes its pid to LOGDIR/netd.pid. Each connection gets one line
 * back upper-cased; SIGTERM ends the daemon (it logs and exits 0), which is
 * how a service is stopped at the end of a socklab run. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXFD 64

static int logfd = -1;
static volatile sig_atomic_t term;

static void logmsg(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  write(logfd, buf, n);
}

/* UNP Figure 13.4, openlog left to the caller. */
static int daemon_init(const char *pname) {
  int i;
  pid_t pid;
  (void)pname;
  if ((pid = fork()) < 0)
    return (-1);
  else if (pid)
    _exit(0); /* parent terminates */
  /* child 1 continues... */
  if (setsid() < 0) /* become session leader */
    return (-1);
  signal(SIGHUP, SIG_IGN);
  if ((pid = fork()) < 0)
    return (-1);
  else if (pid)
    _exit(0); /* child 1 terminates */
  /* child 2 continues... */
  chdir("/"); /* change working directory */
  /* close off file descriptors */
  for (i = 0; i < MAXFD; i++) close(i);
  /* redirect stdin, stdout, and stderr to /dev/null */
  open("/dev/null", O_RDONLY);
  open("/dev/null", O_RDWR);
  open("/dev/null", O_RDWR);
  return (0); /* success */
}

static void sig_chld(int signo) {
  (void)signo;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  errno = saved;
}

static void sig_term(int signo) { (void)signo; term = 1; }

static void serve(int fd, int n) {
  char line[128];
  ssize_t len = read(fd, line, sizeof line - 1);
  if (len <= 0) return;
  line[len] = 0;
  logmsg("child for connection %d: session of the daemon %d, read %zd bytes\n", n, getsid(0) == getsid(getppid()), len);
  for (ssize_t i = 0; i < len; i++) line[i] = toupper((unsigned char)line[i]);
  write(fd, line, len);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: x15_netd PORT LOGDIR\n");
    return 2;
  }
  int port = atoi(argv[1]);
  char logpath[512], pidpath[512];
  snprintf(logpath, sizeof logpath, "%s/netd.log", argv[2]);
  snprintf(pidpath, sizeof pidpath, "%s/netd.pid", argv[2]);
  pid_t launcher = getpid();
  printf("netd: daemonizing\n");
  fflush(stdout);
  if (daemon_init(argv[0]) < 0) return 1;
  logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (logfd < 0) return 3;
  pid_t me = getpid();
  char cwd[64];
  logmsg("daemon: log fd %d, not the launcher %d, session %s, group %s, cwd %s\n", logfd, me != launcher,
         getsid(0) == me ? "leader" : "member", getpgrp() == getsid(0) ? "the session's" : "other", getcwd(cwd, sizeof cwd) ? cwd : "?");
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    logmsg("daemon: fd %d is a char device %d\n", fd, fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
  }
  char pidbuf[16];
  int pf = open(pidpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(pf, pidbuf, snprintf(pidbuf, sizeof pidbuf, "%ld\n", (long)me));
  close(pf);

  struct sigaction sa = {0};
  sa.sa_handler = sig_chld;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = sig_term;
  sigaction(SIGTERM, &sa, NULL);

  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(port);
  if (bind(listenfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listenfd, 16) < 0) {
    logmsg("daemon: bind/listen: %s\n", strerror(errno));
    return 4;
  }
  logmsg("daemon: listening\n");
  int n = 0;
  while (!term) {
    int connfd = accept(listenfd, NULL, NULL);
    if (connfd < 0) {
      if (errno == EINTR) continue; /* SIGCHLD, or SIGTERM: the loop decides */
      logmsg("daemon: accept: %s\n", strerror(errno));
      return 5;
    }
    n++;
    pid_t child = fork();
    if (child == 0) {
      close(listenfd);
      serve(connfd, n);
      close(connfd);
      _exit(0);
    }
    close(connfd);
  }
  logmsg("daemon: SIGTERM after %d connections, exiting\n", n);
  unlink(pidpath);
  return 0;
}
