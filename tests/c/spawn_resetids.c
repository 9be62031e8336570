/* posix_spawn's POSIX_SPAWN_RESETIDS (found by newcomer5): glibc's child sets
 * its effective uid and gid to the real ones before the file actions. Run as
 * root: the real ids become 65534, the effective ones stay 0; gcc on Linux
 * prints "child: euid 65534 egid 65534" (tests/spawn.test.ts). usage:
 * spawn_resetids PATH-OF-ITSELF */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[2], "child") == 0) {
    printf("child: euid %d egid %d\n", (int)geteuid(), (int)getegid());
    return 0;
  }
  char *self = argc > 1 ? argv[1] : "/proc/self/exe";
  if (setresgid(65534, 0, 0) < 0 || setresuid(65534, 0, 0) < 0) return perror("setres*id"), 1;
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_RESETIDS);
  char *args[] = {"resetids", self, "child", NULL};
  char *env[] = {NULL};
  pid_t pid;
  int e = posix_spawn(&pid, self, NULL, &at, args, env);
  if (e) return printf("posix_spawn: %s\n", strerror(e)), 1;
  int st;
  waitpid(pid, &st, 0);
  printf("parent: euid %d, child status %d\n", (int)geteuid(), WEXITSTATUS(st));
  return 0;
}
