/* GeeksforGeeks' "TCP Server-Client implementation in C", as students hand
 * it in: #define MAX 80, bzero, func(connfd)'s chat loop that read()s and
 * write()s the whole 80-byte buffer (sizeof(buff), NULs and all), reads its
 * reply with getchar() after a printf() without newline, and stops when a
 * message starts with "exit" (strncmp(buff, "exit", 4)). The server and the
 * client are forked, each with its "terminal" a pipe the driver filled, and
 * their output is captured and printed whole once they have exited (stdout
 * is a file here: fully buffered, flushed at exit). Before the good client runs a
 * copy whose servaddr.sin_port = PORT lacks htons(): it asks for the
 * byte-swapped port, where nobody listens (ECONNREFUSED), and leaves with
 * GfG's exit(0) from inside main's error branch. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#define MAX 80
#define SA struct sockaddr

static int PORT; /* GfG's #define PORT 8080: here the port the server got (port 0), so runs never meet */

/* ---- server.c ---- */
void func(int connfd) {
  char buff[MAX];
  int n;
  for (;;) {
    bzero(buff, MAX);
    read(connfd, buff, sizeof(buff));
    printf("From client: %s\t To client : ", buff);
    bzero(buff, MAX);
    n = 0;
    while ((buff[n++] = getchar()) != '\n')
      ;
    write(connfd, buff, sizeof(buff));
    if (strncmp("exit", buff, 4) == 0) {
      printf("Server Exit...\n");
      break;
    }
  }
}

int server_main(int portpipe) {
  int sockfd, connfd;
  socklen_t len;
  struct sockaddr_in servaddr, cli;
  sockfd = socket(AF_INET, SOCK_STREAM, 0);
  if (sockfd == -1) {
    printf("socket creation failed...\n");
    exit(0);
  } else
    printf("Socket successfully created..\n");
  bzero(&servaddr, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servaddr.sin_port = htons(0);
  if ((bind(sockfd, (SA *)&servaddr, sizeof(servaddr))) != 0) {
    printf("socket bind failed...\n");
    exit(0);
  } else
    printf("Socket successfully binded..\n");
  if ((listen(sockfd, 5)) != 0) {
    printf("Listen failed...\n");
    exit(0);
  } else
    printf("Server listening..\n");
  len = sizeof(servaddr);
  getsockname(sockfd, (SA *)&servaddr, &len);
  write(portpipe, &servaddr.sin_port, 2);
  close(portpipe);
  len = sizeof(cli);
  connfd = accept(sockfd, (SA *)&cli, &len);
  if (connfd < 0) {
    printf("server accept failed...\n");
    exit(0);
  } else
    printf("server accept the client...\n");
  func(connfd);
  close(sockfd);
  return 0;
}

/* ---- client.c ---- */
void cfunc(int sockfd) {
  char buff[MAX];
  int n;
  for (;;) {
    bzero(buff, sizeof(buff));
    printf("Enter the string : ");
    n = 0;
    while ((buff[n++] = getchar()) != '\n')
      ;
    write(sockfd, buff, sizeof(buff));
    bzero(buff, sizeof(buff));
    read(sockfd, buff, sizeof(buff));
    printf("From Server : %s", buff);
    if ((strncmp(buff, "exit", 4)) == 0) {
      printf("Client Exit...\n");
      break;
    }
  }
}

int client_main(int forgot_htons) {
  int sockfd;
  struct sockaddr_in servaddr;
  sockfd = socket(AF_INET, SOCK_STREAM, 0);
  if (sockfd == -1) {
    printf("socket creation failed...\n");
    exit(0);
  } else
    printf("Socket successfully created..\n");
  bzero(&servaddr, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = inet_addr("127.0.0.1");
  if (forgot_htons)
    servaddr.sin_port = PORT;
  else
    servaddr.sin_port = htons(PORT);
  if (connect(sockfd, (SA *)&servaddr, sizeof(servaddr)) != 0) {
    printf("connection with the server failed: %s\n", strerror(errno));
    exit(0);
  } else
    printf("connected to the server..\n");
  cfunc(sockfd);
  close(sockfd);
  return 0;
}

/* ---- the driver: what the terminals would have typed, and what they showed ---- */
static pid_t spawn(const char *input, const char *outfile, int (*body)(int), int arg) {
  int in[2];
  pipe(in);
  write(in[1], input, strlen(input));
  close(in[1]);
  fflush(stdout); /* or the child would print the driver's buffered lines again at its exit */
  pid_t pid = fork();
  if (pid == 0) {
    /* stdout a file (fully buffered, as a pipe would be); stderr stays the test's. */
    int o = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in[0], 0);
    dup2(o, 1);
    close(in[0]);
    close(o);
    exit(body(arg));
  }
  close(in[0]);
  return pid;
}

static void show(const char *who, pid_t pid, const char *outfile) {
  int st;
  char buf[4096];
  waitpid(pid, &st, 0);
  int fd = open(outfile, O_RDONLY);
  ssize_t n, len = 0;
  while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0) len += n;
  close(fd);
  unlink(outfile);
  printf("---- %s (exit %d) ----\n%.*s\n", who, WEXITSTATUS(st), (int)len, buf);
}

static int portfd;
static int run_server(int unused) { return server_main(portfd); }

int main(void) {
  int pp[2];
  unsigned short port;
  pipe(pp);
  portfd = pp[1];
  pid_t srv = spawn("hello client\n4\nexit\n", "server.out", run_server, 0);
  close(pp[1]);
  read(pp[0], &port, 2); /* the server listens now */
  close(pp[0]);
  PORT = ntohs(port);
  pid_t bad = spawn("hi server\n", "client1.out", client_main, 1);
  show("client without htons", bad, "client1.out");
  pid_t cli = spawn("hi server\nwhat is 2+2\nbye\n", "client2.out", client_main, 0);
  show("client", cli, "client2.out");
  show("server", srv, "server.out");
  return 0;
}
