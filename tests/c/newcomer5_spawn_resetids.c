/* SDK difference (newcomer5): posix_spawn's POSIX_SPAWN_RESETIDS. glibc's
 * child sets its effective uid and gid to the real ones before the file
 * actions (seteuid(getuid()), setegid(getgid())); socklab's SDK does nothing.
 * Run as root: the real ids become 65534, the effective ones stay 0.
 * gcc on Linux: "child: euid 65534 egid 65534". socklab:
 *   socklab run newcomer5_spawn_resetids.wasm --dir wasm/tests:/t -- /t/newcomer5_spawn_resetids.wasm
 * prints "child: euid 0 egid 0". */
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
