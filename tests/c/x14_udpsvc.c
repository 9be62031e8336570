/* x14_inetd's UDP "wait" service: fd 0 is the server's own datagram socket;
 * one datagram read with recvfrom, answered to its sender, then exit (inetd
 * selects on the socket again once this child is reaped). */
#include <ctype.h>
#include <stdio.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

int main(void) {
  struct sockaddr_storage from;
  socklen_t len = sizeof from;
  char buf[256], out[300];
  ssize_t n = recvfrom(0, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &len);
  if (n < 0) return 1;
  buf[n] = 0;
  for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
  int type = 0;
  socklen_t tl = sizeof type;
  getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &tl);
  int m = snprintf(out, sizeof out, "udpsvc (%s): %s", type == SOCK_DGRAM ? "SOCK_DGRAM" : "?", buf);
  sendto(0, out, m, 0, (struct sockaddr *)&from, len);
  return 0;
}
