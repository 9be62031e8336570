/* posix_spawn's failures against glibc's (tests/strace-diff.test.ts): the
 * child's file actions and execve as strace shows them, the error as
 * posix_spawn's result, the child reaped (wait4), none left behind. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *env[] = {"SPAWN_X=1", NULL};
static char *args[] = {"prog", "arg", NULL};

static void check(const char *what, int r) {
  errno = 0;
  pid_t w = waitpid(-1, NULL, WNOHANG);
  printf("%s: %s; no child left: %s\n", what, strerror(r), w < 0 && errno == ECHILD ? "yes" : "no");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t pid;
  check("missing", posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, args, env));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/nonexistent/input", O_RDONLY, 0);
  check("failing open", posix_spawn(&pid, "/nonexistent/prog", &fa, NULL, args, env));
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, 2, 7);
  posix_spawn_file_actions_adddup2(&fa, 7, 7);
  posix_spawn_file_actions_adddup2(&fa, 40, 1);
  check("dup2 of a closed fd", posix_spawn(&pid, "/nonexistent/prog", &fa, NULL, args, env));
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclose(&fa, 30);
  posix_spawn_file_actions_addopen(&fa, 5, "/dev/null", O_RDONLY, 0);
  check("missing after actions", posix_spawn(&pid, "/nonexistent/prog", &fa, NULL, args, env));
  posix_spawn_file_actions_destroy(&fa);
  return 0;
}
