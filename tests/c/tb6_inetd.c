/* An inetd-style server (UNP 13.5, APUE 16): the superserver accepts, forks,
 * and the child makes the connection its standard input and output with
 * dup2 before it runs the "service", a program that knows nothing of
 * sockets: it reads stdin with fgets and answers with printf. As UNP points
 * out, such a service can still ask getpeername(0) who called, and stdio on
 * a socket is fully buffered: the first service flushes each line, the second
 * does not, so all its answers leave in one piece at exit(). The driver is
 * the client; the superserver tells it over a pipe how each service ended. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The service: stdin and stdout are the connection. */
static void service(int flush_each) {
  struct sockaddr_in peer, self;
  socklen_t plen = sizeof peer, slen = sizeof self;
  struct stat st;
  int type = 0;
  socklen_t tlen = sizeof type;
  fstat(0, &st);
  getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &tlen);
  int gp = getpeername(0, (struct sockaddr *)&peer, &plen);
  getsockname(1, (struct sockaddr *)&self, &slen);
  char ip[INET_ADDRSTRLEN];
  printf("stdin is %s, SO_TYPE %s; peer %s port %s (getpeername %d); local port %s\n", S_ISSOCK(st.st_mode) ? "a socket" : "not a socket",
         type == SOCK_STREAM ? "SOCK_STREAM" : "?", inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip), peer.sin_port ? "ephemeral" : "0", gp,
         self.sin_port ? "the server's" : "0");
  if (flush_each) fflush(stdout);
  char line[128];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    for (char *p = line; *p; p++) *p = toupper((unsigned char)*p);
    printf("%d: %s", ++n, line);
    if (flush_each) fflush(stdout);
  }
  printf("%d lines, bye\n", n);
  exit(n);
}

/* The driver's own output: one write each, leaving stdout's FILE unused, so the
 * service child decides its buffering afresh once stdout is the socket. */
static void say(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  write(1, buf, n);
}

/* Reads the connection to EOF, counting the reads that brought data. */
static void drain(int fd) {
  char buf[512];
  int len = 0, reads = 0;
  ssize_t r;
  while ((r = read(fd, buf + len, sizeof buf - 1 - len)) > 0) { len += r; reads++; }
  buf[len] = 0;
  say("%s", buf);
  say("(%d bytes, %s)\n", len, reads > 1 ? "in several reads" : "in one read");
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
  listen(lfd, 5);

  int report[2];
  pipe(report);
  pid_t inetd = fork();
  if (inetd == 0) {
    close(report[0]);
    for (int i = 0; i < 2; i++) {
      int conn = accept(lfd, NULL, NULL);
      pid_t svc = fork();
      if (svc == 0) {
        close(lfd);
        close(report[1]);
        dup2(conn, 0);
        dup2(conn, 1);
        close(conn);
        /* stdout is now a socket: not a terminal, so fully buffered unless told otherwise. */
        setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
        service(i == 0);
      }
      close(conn);
      int st;
      waitpid(svc, &st, 0);
      char msg[64];
      int n = snprintf(msg, sizeof msg, "service %d exited with %d\n", i + 1, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
      write(report[1], msg, n);
    }
    _exit(0);
  }
  close(lfd);
  close(report[1]);

  for (int i = 0; i < 2; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&a, sizeof a);
    if (i == 0) {
      /* Line by line: each answer comes back before the next line goes. */
      const char *lines[] = {"hello\n", "inetd style\n", "last line\n"};
      char buf[128];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      buf[n > 0 ? n : 0] = 0;
      say("service 1 greets: %s", buf);
      for (int j = 0; j < 3; j++) {
        write(fd, lines[j], strlen(lines[j]));
        n = read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        say("service 1 answers: %s", buf);
      }
      shutdown(fd, SHUT_WR);
      drain(fd);
    } else {
      /* The buffered service answers nothing before its exit: everything arrives after the client's EOF. */
      write(fd, "one\ntwo\n", 8);
      write(fd, "three\n", 6);
      shutdown(fd, SHUT_WR);
      say("service 2 says:\n");
      drain(fd);
    }
    close(fd);
    char msg[64];
    ssize_t n = read(report[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = 0;
    say("inetd: %s", msg);
  }
  int st;
  waitpid(inetd, &st, 0);
  say("inetd exited with %d\n", WEXITSTATUS(st));
  return 0;
}
