/* TutorialsPoint's "Socket Server Example" and client in C (error() that
 * perror()s and exit(1)s from wherever it is called, bzero(buffer,256),
 * read(sock, buffer, 255), "I got your message") and what happens when
 * students restart and rerun them. The server closes first, so its side of
 * the connection stays in TIME_WAIT; the student's restart calls bind()
 * before setsockopt(SO_REUSEADDR) and dies with "ERROR on binding: Address
 * already in use" (the option comes too late); with the option set before
 * bind() the restart works. A client started before the server listens
 * gets ECONNREFUSED and retries on the same socket with a counter (a pipe
 * orders the tries, no sleep: the second one finds the server listening).
 * Then a line read with one read() when the server wrote it in two pieces
 * (the read returns the first piece only), and a buffer reused without
 * bzero() printed with %s: the old bytes show after the new ones. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int portno;

void error(const char *msg) {
  perror(msg);
  exit(1);
}

#define BEFORE 1 /* setsockopt(SO_REUSEADDR) before bind */
#define AFTER 2  /* ... after bind: the student's order */
#define SIMPLE 4 /* serve one client as the handout does */
#define PIECES 8 /* serve one client the answer in pieces, listening once the client has been refused */

/* go/ready order listen() with the client's tries; pace paces the pieces. */
int server(int how, int go, int ready, int pace) {
  int sockfd, newsockfd, n, one = 1;
  socklen_t clilen;
  char buffer[256];
  struct sockaddr_in serv_addr, cli_addr;
  sockfd = socket(AF_INET, SOCK_STREAM, 0);
  if (sockfd < 0) error("ERROR opening socket");
  if ((how & BEFORE) && setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) error("setsockopt");
  bzero((char *)&serv_addr, sizeof(serv_addr));
  serv_addr.sin_family = AF_INET;
  serv_addr.sin_addr.s_addr = INADDR_ANY;
  serv_addr.sin_port = htons(portno);
  if (bind(sockfd, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) < 0) error("ERROR on binding");
  if ((how & AFTER) && setsockopt(sockfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) error("setsockopt");
  clilen = sizeof(serv_addr);
  getsockname(sockfd, (struct sockaddr *)&serv_addr, &clilen);
  portno = ntohs(serv_addr.sin_port);
  /* SIMPLE's client is told the port once the server listens (told before, it could connect first natively). */
  if (how & PIECES) write(ready, &portno, sizeof portno);
  if (how & PIECES) read(go, &n, 1); /* the client has had its ECONNREFUSED */
  listen(sockfd, 5);
  if (how & SIMPLE) write(ready, &portno, sizeof portno);
  if (how & PIECES) write(ready, "r", 1);
  if (!(how & (SIMPLE | PIECES))) {
    printf("server: bound and listening\n");
    return 0;
  }
  clilen = sizeof(cli_addr);
  newsockfd = accept(sockfd, (struct sockaddr *)&cli_addr, &clilen);
  if (newsockfd < 0) error("ERROR on accept");
  bzero(buffer, 256);
  n = read(newsockfd, buffer, 255);
  if (n < 0) error("ERROR reading from socket");
  printf("Here is the message: %s\n", buffer);
  if (how & SIMPLE) {
    n = write(newsockfd, "I got your message", 18);
  } else {
    /* The answer in two writes, the second once the client has read the first; then "Bye". */
    write(newsockfd, "Hello, ", 7);
    read(pace, &n, 1);
    write(newsockfd, "world\n", 6);
    read(pace, &n, 1);
    n = write(newsockfd, "Bye", 3);
  }
  if (n < 0) error("ERROR writing to socket");
  close(newsockfd);
  close(sockfd);
  return 0;
}

static pid_t spawn(int how, int go, int ready, int pace) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) exit(server(how, go, ready, pace));
  return pid;
}

static void done(const char *who, pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  printf("%s: exit %d\n", who, WEXITSTATUS(st));
}

int main(void) {
  int ready[2], go[2], pace[2], n;
  char buffer[256];
  struct sockaddr_in serv_addr;
  setvbuf(stdout, NULL, _IONBF, 0);
  pipe(ready);
  pipe(go);
  pipe(pace);

  /* The first run, as the handout has it (no SO_REUSEADDR): the server answers and closes first. */
  portno = 0;
  pid_t s = spawn(SIMPLE, go[0], ready[1], pace[0]);
  read(ready[0], &portno, sizeof portno);
  int sockfd = socket(AF_INET, SOCK_STREAM, 0);
  bzero((char *)&serv_addr, sizeof(serv_addr));
  serv_addr.sin_family = AF_INET;
  serv_addr.sin_addr.s_addr = inet_addr("127.0.0.1");
  serv_addr.sin_port = htons(portno);
  if (connect(sockfd, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) < 0) error("ERROR connecting");
  printf("Please enter the message: ");
  write(sockfd, "first run\n", 10);
  bzero(buffer, 256);
  n = read(sockfd, buffer, 255);
  printf("%s\n", buffer);
  done("first server", s);
  n = read(sockfd, buffer, 255);
  printf("client reads %d: the server closed first (its side is in TIME_WAIT)\n", n);
  close(sockfd);
  /* The TIME_WAIT connection was not SO_REUSEADDR: even a restart that sets it before bind fails. */
  done("restart, bind then setsockopt", spawn(AFTER, go[0], ready[1], pace[0]));
  done("restart, setsockopt then bind", spawn(BEFORE, go[0], ready[1], pace[0]));

  /* A server with SO_REUSEADDR from the start, on a new port; the client is already trying. */
  portno = 0;
  s = spawn(BEFORE | PIECES, go[0], ready[1], pace[0]);
  read(ready[0], &portno, sizeof portno);
  serv_addr.sin_port = htons(portno);
  sockfd = socket(AF_INET, SOCK_STREAM, 0);
  int tries = 0;
  while (connect(sockfd, (struct sockaddr *)&serv_addr, sizeof(serv_addr)) < 0) {
    printf("try %d: %s\n", ++tries, strerror(errno));
    if (tries == 5) error("ERROR connecting");
    if (tries == 1) {
      write(go[1], "g", 1);
      read(ready[0], buffer, 1);
    }
  }
  printf("connected after %d failed tries\n", tries);
  write(sockfd, "second run\n", 11);
  /* One read for a line the server writes in two pieces: only the first is there. */
  bzero(buffer, 256);
  n = read(sockfd, buffer, 255);
  printf("read %d: '%s' (the line is not complete)\n", n, buffer);
  write(pace[1], "p", 1);
  n = read(sockfd, buffer + n, 255 - n);
  printf("read %d more: '%s'", n, buffer);
  /* The next message into the same buffer, no bzero, no NUL: %s shows the old tail too. */
  write(pace[1], "p", 1);
  n = read(sockfd, buffer, 255);
  printf("read %d: %%s shows '%s', %%.*s shows '%.*s'\n", n, buffer, n, buffer);
  n = read(sockfd, buffer, 255);
  printf("read %d: the server closed first again\n", n);
  done("server with SO_REUSEADDR", s);
  close(sockfd);
  /* Both sides of that TIME_WAIT had the option: the right order restarts, the student's does not. */
  done("restart, bind then setsockopt", spawn(AFTER, go[0], ready[1], pace[0]));
  done("restart, setsockopt then bind", spawn(BEFORE, go[0], ready[1], pace[0]));
  return 0;
}
