/* The "concurrent server" of course handouts (after UNP 4.8): accept, fork,
 * the child closes the listening socket, serves the client (here: one line
 * upper-cased) and exits; the parent closes the connected socket and goes
 * back to accept. What students get wrong, and what Linux then does: a
 * parent that forgets close(connfd) keeps the connection open after its
 * child has exited, so the client never reads EOF (poll says nothing is
 * there) until the parent closes its copy; a child that keeps the
 * listening socket keeps the port listening after the parent has closed
 * it, so a new client's connect() succeeds and waits in a queue nobody
 * accepts from, and is reset when the child exits (ECONNRESET), after which
 * connect() is refused. And the server never waits for its children: they
 * stay zombies until it finally calls waitpid() (each child's exit status,
 * then ECHILD). The driver is the client; the server's output, a file, is
 * printed once it has exited. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#define MAXLINE 80
#define SA struct sockaddr

void str_upper(int connfd) {
  char buff[MAXLINE];
  int n = read(connfd, buff, sizeof(buff));
  for (int i = 0; i < n; i++) buff[i] = toupper((unsigned char)buff[i]);
  write(connfd, buff, n);
}

int server_main(int portpipe) {
  int listenfd, connfd, leaked = -1;
  pid_t childpid;
  socklen_t clilen;
  struct sockaddr_in cliaddr, servaddr;
  listenfd = socket(AF_INET, SOCK_STREAM, 0);
  bzero(&servaddr, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servaddr.sin_port = htons(0);
  bind(listenfd, (SA *)&servaddr, sizeof(servaddr));
  listen(listenfd, 5);
  clilen = sizeof(servaddr);
  getsockname(listenfd, (SA *)&servaddr, &clilen);
  write(portpipe, &servaddr.sin_port, 2);
  close(portpipe);
  for (int i = 1; i <= 3; i++) {
    clilen = sizeof(cliaddr);
    connfd = accept(listenfd, (SA *)&cliaddr, &clilen);
    printf("accepted client %d from %s\n", i, inet_ntoa(cliaddr.sin_addr));
    if (leaked >= 0) {
      printf("closing client 2's socket at last\n");
      close(leaked);
    }
    fflush(stdout);
    if ((childpid = fork()) == 0) {
      if (i != 3) close(listenfd); /* client 3's child forgets */
      str_upper(connfd);
      close(connfd);
      exit(i);
    }
    if (i == 2) leaked = connfd; /* the parent forgets close(connfd) */
    else close(connfd);
  }
  close(listenfd);
  printf("server closed its listening socket\n");
  /* Never waited for: zombies until now. waitpid(-1) takes them in an order of the kernel's: sorted. */
  int codes[3], st;
  for (int i = 0; i < 3; i++) {
    waitpid(-1, &st, 0);
    codes[i] = WEXITSTATUS(st);
  }
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++)
      if (codes[j] < codes[i]) {
        int t = codes[i];
        codes[i] = codes[j];
        codes[j] = t;
      }
  printf("reaped children with exit status %d, %d, %d\n", codes[0], codes[1], codes[2]);
  pid_t r = waitpid(-1, &st, WNOHANG);
  printf("waitpid once more: %d %s\n", (int)r, strerror(errno));
  return 0;
}

static struct sockaddr_in srv;

static int client(const char *who) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int r = connect(fd, (SA *)&srv, sizeof srv);
  printf("%s: connect %d %s\n", who, r, r < 0 ? strerror(errno) : "");
  return fd;
}

static void ask(int fd, const char *who, const char *line) {
  char buf[MAXLINE];
  write(fd, line, strlen(line));
  int n = read(fd, buf, sizeof buf);
  printf("%s: sent '%s', got %d '%.*s'\n", who, line, n, n, buf);
}

static void at_eof(int fd, const char *who) {
  char buf[MAXLINE];
  struct pollfd p = {fd, POLLIN, 0};
  int r = poll(&p, 1, 0);
  printf("%s: poll %d (readable: %s)\n", who, r, (p.revents & POLLIN) ? "yes" : "no");
}

int main(void) {
  int pp[2], st;
  unsigned short port;
  char buf[MAXLINE];
  setvbuf(stdout, NULL, _IONBF, 0);
  pipe(pp);
  pid_t s = fork();
  if (s == 0) {
    int o = open("server.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    close(o);
    close(pp[0]);
    exit(server_main(pp[1]));
  }
  close(pp[1]);
  read(pp[0], &port, 2);
  close(pp[0]);
  bzero(&srv, sizeof srv);
  srv.sin_family = AF_INET;
  srv.sin_port = port;
  srv.sin_addr.s_addr = inet_addr("127.0.0.1");

  int c1 = client("client 1");
  ask(c1, "client 1", "one");
  printf("client 1: then read %d (EOF: child and parent closed)\n", (int)read(c1, buf, sizeof buf));
  int c2 = client("client 2");
  ask(c2, "client 2", "two");
  at_eof(c2, "client 2"); /* no EOF: the parent still holds the socket */
  int c3 = client("client 3");
  printf("client 2: then read %d (EOF once the parent closed its copy)\n", (int)read(c2, buf, sizeof buf));
  int c4 = client("client 4"); /* client 3's child still holds the listener */
  ask(c3, "client 3", "three");
  printf("client 3: then read %d\n", (int)read(c3, buf, sizeof buf));
  int n = read(c4, buf, sizeof buf);
  printf("client 4: read %d %s\n", n, n < 0 ? strerror(errno) : "");
  waitpid(s, &st, 0);
  int c5 = client("client 5");
  close(c1);
  close(c2);
  close(c3);
  close(c4);
  close(c5);
  char out[4096];
  int k, got = 0, fd = open("server.out", O_RDONLY);
  while ((k = read(fd, out + got, sizeof out - got)) > 0) got += k;
  close(fd);
  unlink("server.out");
  printf("---- server (exit %d) ----\n%.*s", WEXITSTATUS(st), got, out);
  return 0;
}
