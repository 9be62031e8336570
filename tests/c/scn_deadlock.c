/* One process reads from a socketpair
 * nobody will ever write to: the run must end with a deadlock report. */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char c;
  printf("waiting forever\n");
  fflush(stdout);
  return (int)read(sv[0], &c, 1);
}
