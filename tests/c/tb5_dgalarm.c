/* UNP 14.2's dg_cli with a timeout: a SIGALRM handler installed with
 * sigaction() and no SA_RESTART, alarm() before recvfrom(), so a request the
 * server never answers ends the wait with EINTR and the client sends it
 * again; alarm(0) cancels the timer once an answer came. Then UNP 8.8's
 * check of who answered: a datagram from another socket that reaches the
 * client's port first is ignored ("reply from ... (ignored)"), compared by
 * address and port. The server is forked and drops each request once. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static void on_alarm(int signo) { (void)signo; alarms++; }

static void server(int fd) {
  char buf[128], last[128] = "";
  struct sockaddr_in cli;
  for (;;) {
    socklen_t len = sizeof cli;
    ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&cli, &len);
    if (n < 0) { perror("server recvfrom"); exit(1); }
    buf[n] = 0;
    if (strcmp(buf, "bye") == 0) break;
    /* The first copy of each request is "lost": only a retransmission is answered. */
    if (strcmp(buf, last) != 0) { strcpy(last, buf); continue; }
    char out[160];
    int m = snprintf(out, sizeof out, "ack %s", buf);
    sendto(fd, out, m, 0, (struct sockaddr *)&cli, len);
  }
  close(fd);
  exit(0);
}

/* dg_cli: send, wait at most 1 s, retry up to 3 times; replies not from the server are skipped. */
static void request(int fd, const struct sockaddr_in *serv, const char *msg) {
  char buf[160];
  for (int attempt = 1; attempt <= 3; attempt++) {
    sendto(fd, msg, strlen(msg), 0, (const struct sockaddr *)serv, sizeof *serv);
    alarm(1);
    for (;;) {
      struct sockaddr_in from;
      socklen_t len = sizeof from;
      ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &len);
      if (n < 0) {
        if (errno == EINTR) { printf("'%s' attempt %d: recvfrom interrupted (EINTR), timeout\n", msg, attempt); break; }
        perror("recvfrom");
        exit(1);
      }
      buf[n] = 0;
      if (len != sizeof from || from.sin_addr.s_addr != serv->sin_addr.s_addr || from.sin_port != serv->sin_port) {
        char ip[INET_ADDRSTRLEN];
        printf("reply from %s:%s (ignored): '%s'\n", inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip), "ephemeral", buf);
        continue;
      }
      unsigned left = alarm(0);
      printf("'%s' attempt %d: '%s' (timer cancelled, %s)\n", msg, attempt, buf, left <= 1 ? "had time left" : "odd");
      return;
    }
  }
  printf("'%s': no answer\n", msg);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: recvfrom must return EINTR */
  sigaction(SIGALRM, &sa, NULL);

  int sfd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in serv;
  memset(&serv, 0, sizeof serv);
  serv.sin_family = AF_INET;
  serv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(sfd, (struct sockaddr *)&serv, sizeof serv);
  socklen_t slen = sizeof serv;
  getsockname(sfd, (struct sockaddr *)&serv, &slen);
  pid_t pid = fork();
  if (pid == 0) server(sfd);
  close(sfd);

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  request(fd, &serv, "time?");

  /* An intruder sends to the client's port before the next request: its datagram is queued first. */
  struct sockaddr_in me;
  socklen_t mlen = sizeof me;
  getsockname(fd, (struct sockaddr *)&me, &mlen);
  int other = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(other, "spoofed answer", 14, 0, (struct sockaddr *)&me, sizeof me);
  request(fd, &serv, "date?");
  close(other);

  printf("SIGALRM caught %d times\n", (int)alarms);
  sendto(fd, "bye", 3, 0, (struct sockaddr *)&serv, sizeof serv);
  close(fd);
  int st;
  waitpid(pid, &st, 0);
  printf("server exited %d\n", WEXITSTATUS(st));
  return 0;
}
