/* A server that forgets to close what it accepted (and its listener). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argc > 1 ? argv[1] : "7000"));
  int l = socket(AF_INET, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 1);
  int c = accept(l, NULL, NULL);
  char buf[64];
  ssize_t n = read(c, buf, sizeof buf);
  if (n > 0) write(c, buf, (size_t)n);
  return 0;
}
