/* Forks until fork fails: past the run's process limit it fails with
 * EAGAIN, as RLIMIT_NPROC makes it on Linux. Children wait for the parent
 * to tell them (by closing a socket) and exit; the parent reaps them all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  int forked = 0;
  for (int i = 0; i < 100; i++) {
    pid_t pid = fork();
    if (pid < 0) {
      printf("fork %d failed: %s (EAGAIN=%d)\n", i + 1, strerror(errno), errno == EAGAIN);
      break;
    }
    if (pid == 0) {
      close(sv[1]);
      char c;
      read(sv[0], &c, 1);  /* EOF once the parent closes sv[1] */
      exit(0);
    }
    forked++;
  }
  printf("forked %d children\n", forked);
  close(sv[1]);
  int reaped = 0, status;
  while (wait(&status) > 0) reaped++;
  printf("reaped %d\n", reaped);
  /* Room again once they are reaped. */
  pid_t pid = fork();
  if (pid == 0) exit(3);
  waitpid(pid, &status, 0);
  printf("fork after reaping: %s, status %d\n", pid > 0 ? "ok" : "failed", WEXITSTATUS(status));
  return 0;
}
