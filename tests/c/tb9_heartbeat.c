/* UNP 24.7: heartbeat functions with out-of-band data. heartbeat_cli arms
 * SIGALRM every nsec seconds; each alarm sends one urgent byte (a probe),
 * and after maxnprobes unanswered probes the client decides the server is
 * unreachable. heartbeat_serv echoes every probe as urgent data, which the
 * client's SIGURG handler takes as proof of life (nprobes back to 0). Both
 * sides make themselves the socket's owner with F_SETOWN so SIGURG reaches
 * them. Two clients run at once against the forking echo server: one whose
 * server child answers its probe, one whose server child blocks SIGURG (a
 * peer whose TCP still acknowledges but that no longer answers), which the
 * client declares unreachable at its second alarm. */
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

/* UNP's Signal: SA_RESTART for all but SIGALRM, so an alarm interrupts a read. */
static void Signal(int signo, void (*func)(int)) {
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = func;
  sigemptyset(&act.sa_mask);
  if (signo != SIGALRM) act.sa_flags |= SA_RESTART;
  sigaction(signo, &act, NULL);
}

/* ---- heartbeat_cli (UNP figure 24.14) ---- */
static int cli_fd, cli_nsec, cli_maxnprobes;
static volatile sig_atomic_t cli_nprobes, cli_answers, cli_sent;

static void cli_sig_urg(int signo) {
  (void)signo;
  char c;
  if (recv(cli_fd, &c, 1, MSG_OOB) < 0) {
    if (errno != EWOULDBLOCK) _exit(3);
    return;
  }
  cli_answers++;
  cli_nprobes = 0; /* reset counter */
}

static void cli_sig_alrm(int signo) {
  (void)signo;
  if (++cli_nprobes > cli_maxnprobes) {
    fprintf(stderr, "server is unreachable\n");
    exit(cli_sent);
  }
  send(cli_fd, "1", 1, MSG_OOB);
  cli_sent++;
  alarm(cli_nsec);
}

static void heartbeat_cli(int servfd, int nsec, int maxnprobes) {
  cli_fd = servfd;
  cli_nsec = nsec < 1 ? 1 : nsec;
  cli_maxnprobes = maxnprobes < cli_nsec ? cli_nsec : maxnprobes;
  cli_nprobes = 0;
  Signal(SIGURG, cli_sig_urg);
  fcntl(servfd, F_SETOWN, getpid());
  Signal(SIGALRM, cli_sig_alrm);
  alarm(cli_nsec);
}

/* ---- heartbeat_serv (UNP figure 24.15) ---- */
static int srv_fd, srv_nsec, srv_maxnalarms;
static volatile sig_atomic_t srv_nalarms, srv_probes;

static void srv_sig_urg(int signo) {
  (void)signo;
  char c;
  if (recv(srv_fd, &c, 1, MSG_OOB) < 0) {
    if (errno != EWOULDBLOCK) _exit(3);
    return;
  }
  send(srv_fd, &c, 1, MSG_OOB); /* echo back out-of-band byte */
  srv_probes++;
  srv_nalarms = 0;
}

static void srv_sig_alrm(int signo) {
  (void)signo;
  if (++srv_nalarms > srv_maxnalarms) {
    printf("no probes from client\n");
    exit(0);
  }
  alarm(srv_nsec);
}

static void heartbeat_serv(int servfd, int nsec, int maxnalarms) {
  srv_fd = servfd;
  srv_nsec = nsec < 1 ? 1 : nsec;
  srv_maxnalarms = maxnalarms < srv_nsec ? srv_nsec : maxnalarms;
  Signal(SIGURG, srv_sig_urg);
  fcntl(servfd, F_SETOWN, getpid());
  Signal(SIGALRM, srv_sig_alrm);
  alarm(srv_nsec);
}

/* readline that goes on after an alarm's EINTR (the heartbeat interrupts reads). */
static ssize_t readline(int fd, char *buf, size_t max) {
  size_t n = 0;
  while (n + 1 < max) {
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    buf[n++] = c;
    if (c == '\n') break;
  }
  buf[n] = 0;
  return n;
}

/* A server child: str_echo with the heartbeat; "wait for a probe" is answered once a probe was echoed. */
static void str_echo(int conn) {
  heartbeat_serv(conn, 1, 3);
  char line[128];
  sigset_t urg, none;
  sigemptyset(&urg);
  sigaddset(&urg, SIGURG);
  sigemptyset(&none);
  while (readline(conn, line, sizeof line) > 0) {
    if (strcmp(line, "silent\n") == 0) {
      /* Hung, as far as the heartbeat can tell: probes stay unread. */
      sigprocmask(SIG_BLOCK, &urg, NULL);
      continue;
    }
    if (strcmp(line, "wait for a probe\n") == 0) {
      sigprocmask(SIG_BLOCK, &urg, NULL);
      while (srv_probes == 0) sigsuspend(&none);
      sigprocmask(SIG_UNBLOCK, &urg, NULL);
      snprintf(line, sizeof line, "probe echoed\n");
    }
    write(conn, line, strlen(line));
  }
  _exit(0);
}

static int connect_to(const struct sockaddr_in *a) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (const struct sockaddr *)a, sizeof *a) < 0) _exit(100);
  return fd;
}

/* Exits with 0 when the line exchange and one answered probe happened. */
static void client_alive(const struct sockaddr_in *a, int report) {
  int fd = connect_to(a);
  heartbeat_cli(fd, 1, 1);
  char line[128];
  write(fd, "hello\n", 6);
  readline(fd, line, sizeof line);
  int echoed = strcmp(line, "hello\n") == 0;
  write(fd, "wait for a probe\n", 17);
  readline(fd, line, sizeof line);
  alarm(0);
  char msg[160];
  int n = snprintf(msg, sizeof msg, "alive: echo %s; %s; %d probe sent, %d answered, nprobes %d\n", echoed ? "ok" : "BAD",
                   strcmp(line, "probe echoed\n") == 0 ? "server saw the probe" : "no probe seen", (int)cli_sent, (int)cli_answers, (int)cli_nprobes);
  write(report, msg, n);
  close(fd);
  _exit(0);
}

/* Never answered: the second alarm exits (with the probes sent) saying the server is unreachable. */
static void client_silent(const struct sockaddr_in *a) {
  int fd = connect_to(a);
  write(fd, "silent\n", 7);
  heartbeat_cli(fd, 1, 1);
  char line[128];
  readline(fd, line, sizeof line);
  _exit(99); /* not reached: the heartbeat ends the process */
}

int main(void) {
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(lfd, (struct sockaddr *)&a, sizeof a);
  socklen_t alen = sizeof a;
  getsockname(lfd, (struct sockaddr *)&a, &alen);
  listen(lfd, 4);

  pid_t srv = fork();
  if (srv == 0) {
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
      int conn = accept(lfd, NULL, NULL);
      if ((kids[i] = fork()) == 0) {
        close(lfd);
        str_echo(conn);
      }
      close(conn);
    }
    int clean = 0;
    for (int i = 0; i < 2; i++) {
      int st;
      waitpid(kids[i], &st, 0);
      if (WIFEXITED(st) && WEXITSTATUS(st) == 0) clean++;
    }
    _exit(clean);
  }
  close(lfd);

  int rep[2];
  pipe(rep);
  pid_t alive = fork();
  if (alive == 0) {
    close(rep[0]);
    client_alive(&a, rep[1]);
  }
  close(rep[1]);
  pid_t silent = fork();
  if (silent == 0) {
    close(rep[0]);
    client_silent(&a);
  }
  char msg[160];
  ssize_t n = read(rep[0], msg, sizeof msg - 1);
  msg[n > 0 ? n : 0] = 0;
  int st;
  waitpid(alive, &st, 0);
  printf("%s", msg);
  printf("alive client exited with %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  waitpid(silent, &st, 0);
  printf("silent client: exited with %d (probes sent before giving up)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  waitpid(srv, &st, 0);
  printf("server: %d echo children ended at EOF\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
