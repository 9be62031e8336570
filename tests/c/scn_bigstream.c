/* Sends or receives N bytes of a known pattern over TCP and checks them:
 * usage: net_bigstream server PORT N | net_bigstream client HOST PORT N */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  static unsigned char buf[40000];
  if (!strcmp(argv[1], "server")) {
    long n = atol(argv[3]);
    struct addrinfo h = {0}, *r;
    h.ai_family = AF_INET; h.ai_socktype = SOCK_STREAM; h.ai_flags = AI_PASSIVE;
    getaddrinfo(NULL, argv[2], &h, &r);
    int l = socket(r->ai_family, r->ai_socktype, 0);
    if (bind(l, r->ai_addr, r->ai_addrlen) || listen(l, 1)) { perror("server"); return 1; }
    int c = accept(l, NULL, NULL);
    long got = 0, bad = 0;
    ssize_t k;
    while ((k = read(c, buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < k; i++) if (buf[i] != (unsigned char)((got + i) * 7 % 251)) bad++;
      got += k;
    }
    printf("server: received %ld of %ld bytes, %ld wrong\n", got, n, bad);
    return got == n && !bad ? 0 : 1;
  }
  long n = atol(argv[4]);
  struct addrinfo h = {0}, *r;
  h.ai_family = AF_INET; h.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(argv[2], argv[3], &h, &r)) return 1;
  int s = socket(r->ai_family, r->ai_socktype, 0);
  if (connect(s, r->ai_addr, r->ai_addrlen)) { perror("connect"); return 1; }
  for (long sent = 0; sent < n;) {
    long k = n - sent < (long)sizeof buf ? n - sent : (long)sizeof buf;
    for (long i = 0; i < k; i++) buf[i] = (unsigned char)((sent + i) * 7 % 251);
    ssize_t w = write(s, buf, (size_t)k);
    if (w < 0) { perror("write"); return 1; }
    sent += w;
  }
  close(s);
  printf("client: sent %ld bytes\n", n);
  return 0;
}
