/* CS:APP 11.6's Tiny web server, cut to its dynamic content: for each of
 * NREQ connections, read the request line and headers; a /cgi-bin/ URI runs
 * serve_dynamic (the status line, then fork, setenv QUERY_STRING,
 * dup2(connfd, 1), execve(cgi, emptylist, environ); the parent waits);
 * anything else gets Tiny's clienterror 404.
 * usage: x14_tiny PORT NREQ CGIDIR   (CGIDIR/adder is /cgi-bin/adder) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXLINE 8192
extern char **environ;
static const char *cgidir;

/* rio_readlineb, one byte at a time (no buffer left behind for the CGI). */
static ssize_t readline(int fd, char *buf, size_t max) {
  size_t n = 0;
  while (n + 1 < max) {
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r <= 0) break;
    buf[n++] = c;
    if (c == '\n') break;
  }
  buf[n] = 0;
  return (ssize_t)n;
}

static void clienterror(int fd, const char *cause, const char *errnum, const char *shortmsg, const char *longmsg) {
  char body[MAXLINE], buf[MAXLINE];
  snprintf(body, sizeof body, "<html><title>Tiny Error</title><body bgcolor=\"ffffff\">\r\n%s: %s\r\n<p>%s: %s\r\n<hr><em>The Tiny Web server</em>\r\n", errnum, shortmsg, longmsg, cause);
  snprintf(buf, sizeof buf, "HTTP/1.0 %s %s\r\nContent-type: text/html\r\nContent-length: %d\r\n\r\n", errnum, shortmsg, (int)strlen(body));
  write(fd, buf, strlen(buf));
  write(fd, body, strlen(body));
}

static void serve_dynamic(int fd, const char *filename, const char *cgiargs) {
  char buf[MAXLINE], *emptylist[] = { NULL };
  snprintf(buf, sizeof buf, "HTTP/1.0 200 OK\r\nServer: Tiny Web Server\r\n");
  write(fd, buf, strlen(buf));
  if (fork() == 0) {
    setenv("QUERY_STRING", cgiargs, 1);
    dup2(fd, STDOUT_FILENO);
    execve(filename, emptylist, environ);
    perror("execve");
    _exit(127);
  }
  int status;
  wait(&status);
  printf("tiny: %s exited %d\n", filename + strlen(cgidir), WEXITSTATUS(status));
}

static void doit(int fd) {
  char buf[MAXLINE], method[64], uri[MAXLINE], version[64];
  if (readline(fd, buf, sizeof buf) <= 0) return;
  if (sscanf(buf, "%63s %4000s %63s", method, uri, version) != 3) return;
  printf("tiny: %s %s\n", method, uri);
  while (readline(fd, buf, sizeof buf) > 0 && strcmp(buf, "\r\n") != 0) {}
  if (strcasecmp(method, "GET") != 0) { clienterror(fd, method, "501", "Not Implemented", "Tiny does not implement this method"); return; }
  if (strncmp(uri, "/cgi-bin/", 9) != 0) { clienterror(fd, uri, "404", "Not found", "Tiny couldn't find this file"); return; }
  char *q = strchr(uri, '?'), filename[MAXLINE];
  const char *cgiargs = "";
  if (q) { *q = 0; cgiargs = q + 1; }
  snprintf(filename, sizeof filename, "%s/%s", cgidir, uri + 9);
  if (access(filename, X_OK) < 0) { clienterror(fd, filename + strlen(cgidir), "403", "Forbidden", "Tiny couldn't run the CGI program"); return; }
  fflush(stdout);
  serve_dynamic(fd, filename, cgiargs);
}

int main(int argc, char *argv[]) {
  if (argc < 4) { fprintf(stderr, "usage: x14_tiny PORT NREQ CGIDIR\n"); return 2; }
  cgidir = argv[3];
  int lis = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(lis, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_ANY) };
  if (bind(lis, (struct sockaddr *)&a, sizeof a) < 0 || listen(lis, 8) < 0) { perror("listen"); return 1; }
  printf("tiny: listening\n");
  fflush(stdout);
  for (int i = 0; i < atoi(argv[2]); i++) {
    int fd = accept(lis, NULL, NULL);
    if (fd < 0) { perror("accept"); return 1; }
    doit(fd);
    close(fd);
    fflush(stdout);
  }
  return 0;
}
