/* SO_ATTACH_FILTER on a UDP socket, then a datagram to itself: a filter
 * that keeps datagrams starting with 'h', cut to 2 bytes of payload
 * (RET #10: at least the UDP header is kept). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9994)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(u, (struct sockaddr *)&a, sizeof a) < 0) {
    printf("bind: %s\n", strerror(errno));
    return 1;
  }
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'h', 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 10),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  struct sock_fprog prog = {4, f};
  if (setsockopt(u, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
    printf("attach: %s\n", strerror(errno));
    return 1;
  }
  sendto(u, "world", 5, 0, (struct sockaddr *)&a, sizeof a);
  sendto(u, "hello", 5, 0, (struct sockaddr *)&a, sizeof a);
  char buf[16];
  ssize_t n;
  while ((n = recv(u, buf, sizeof buf, MSG_DONTWAIT)) >= 0) printf("%zd %.*s\n", n, (int)n, buf);
  printf("end: %s\n", strerror(errno));
  return 0;
}
