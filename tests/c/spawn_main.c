/* posix_spawn and posix_spawnp (tests/spawn.test.ts): argv[1] is a
 * directory holding spawn_child, argv[2] a writable directory. File
 * actions redirect the child's stdout to a file and to a pipe, change its
 * directory; attributes set its group, session, mask and default signals;
 * failures (a missing program, a failing open action, bad arguments) are
 * posix_spawn's return value with no child left behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *env[] = {"SPAWN_X=1", NULL};

static void reaped(const char *what, pid_t pid) {
  int st = 0;
  pid_t w = waitpid(pid, &st, 0);
  printf("%s: waited %s, exit %d\n", what, w == pid ? "the child" : strerror(errno), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
static void nozombie(const char *what) {
  errno = 0;
  pid_t w = waitpid(-1, NULL, WNOHANG);
  printf("%s: no child left: %s\n", what, w < 0 && errno == ECHILD ? "yes" : "no");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 3) return 2;
  const char *dir = argv[1], *out = argv[2];
  char prog[512], file[512], missing[512];
  snprintf(prog, sizeof prog, "%s/spawn_child", dir);
  snprintf(file, sizeof file, "%s/spawn_out.txt", out);
  snprintf(missing, sizeof missing, "%s/no_such_program", dir);
  pid_t pid = 0;

  /* stdout to a file. */
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *a1[] = {"spawn_child", "to-a-file", NULL};
  int r = posix_spawn(&pid, prog, &fa, NULL, a1, env);
  printf("spawn to a file: %s, pid %s\n", strerror(r), pid > 0 ? "set" : "unset");
  reaped("spawn to a file", pid);
  posix_spawn_file_actions_destroy(&fa);
  char buf[256] = {0};
  int fd = open(file, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("the file holds %d bytes: %s", (int)n, buf);

  /* stdout to a pipe, the pipe's read end closed in the child. */
  int p[2];
  pipe(p);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addclose(&fa, p[0]);
  posix_spawn_file_actions_addclose(&fa, p[1]);
  char *a2[] = {"spawn_child", "to-a-pipe", NULL};
  r = posix_spawn(&pid, prog, &fa, NULL, a2, env);
  close(p[1]);
  memset(buf, 0, sizeof buf);
  n = read(p[0], buf, sizeof buf - 1);
  close(p[0]);
  printf("spawn to a pipe: %s; read %s", strerror(r), buf);
  reaped("spawn to a pipe", pid);
  posix_spawn_file_actions_destroy(&fa);

  /* posix_spawnp through PATH, in the child's own group and session, USR1 blocked, USR2 back to default. */
  setenv("PATH", dir, 1);
  signal(SIGUSR2, SIG_IGN);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  posix_spawnattr_setsigmask(&at, &m);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  posix_spawnattr_setsigdefault(&at, &m);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
  short fl = 0;
  posix_spawnattr_getflags(&at, &fl);
  printf("flags %#x\n", fl);
  char *a3[] = {"spawn_child", "by-spawnp", NULL};
  /* Each result printed once the child is reaped: the child prints too. */
  r = posix_spawnp(&pid, "spawn_child", NULL, &at, a3, env);
  reaped("spawnp", pid);
  printf("spawnp: %s\n", strerror(r));
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&at, 0);
  r = posix_spawnp(&pid, "spawn_child", NULL, &at, a3, env);
  reaped("spawnp in its own group", pid);
  printf("spawnp in its own group: %s\n", strerror(r));
  printf("setflags 0x100: %s\n", strerror(posix_spawnattr_setflags(&at, 0x100)));
  posix_spawnattr_destroy(&at);
  signal(SIGUSR2, SIG_DFL);

  /* A relative path after a chdir action. */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, dir);
  char *a4[] = {"spawn_child", "after-chdir", NULL};
  r = posix_spawn(&pid, "./spawn_child", &fa, NULL, a4, env);
  reaped("spawn after chdir", pid);
  printf("spawn after chdir: %s\n", strerror(r));
  posix_spawn_file_actions_destroy(&fa);

  /* Failures: the child's errno is posix_spawn's result, the child reaped. */
  pid = -5;
  r = posix_spawn(&pid, missing, NULL, NULL, a1, env);
  printf("spawn missing: %s, pid %s\n", strerror(r), pid == -5 ? "untouched" : "set");
  nozombie("spawn missing");
  r = posix_spawnp(&pid, "no_such_program", NULL, NULL, a1, env);
  printf("spawnp missing: %s\n", strerror(r));
  nozombie("spawnp missing");
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/no/such/dir/file", O_RDONLY, 0);
  r = posix_spawn(&pid, prog, &fa, NULL, a1, env);
  printf("spawn with a failing open: %s\n", strerror(r));
  nozombie("spawn with a failing open");
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, 77, 1);
  r = posix_spawn(&pid, prog, &fa, NULL, a1, env);
  printf("spawn with a dup2 of a closed fd: %s\n", strerror(r));
  nozombie("spawn with a dup2 of a closed fd");
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  fd = open(file, O_RDONLY);
  posix_spawn_file_actions_addfchdir_np(&fa, fd);
  r = posix_spawn(&pid, prog, &fa, NULL, a1, env);
  printf("spawn with fchdir to a file: %s\n", strerror(r));
  nozombie("spawn with fchdir to a file");
  posix_spawn_file_actions_destroy(&fa);
  close(fd);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addfchdir_np(&fa, 50);
  r = posix_spawn(&pid, prog, &fa, NULL, a1, env);
  printf("spawn with fchdir to a closed fd: %s\n", strerror(r));
  nozombie("spawn with fchdir to a closed fd");
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  printf("addclose -1: %s\n", strerror(posix_spawn_file_actions_addclose(&fa, -1)));
  printf("adddup2 1 -> -1: %s\n", strerror(posix_spawn_file_actions_adddup2(&fa, 1, -1)));
  printf("addopen -2: %s\n", strerror(posix_spawn_file_actions_addopen(&fa, -2, "x", O_RDONLY, 0)));
  /* glibc checks no fd here (the child's fchdir would fail). */
  printf("addfchdir -1: %s\n", strerror(posix_spawn_file_actions_addfchdir_np(&fa, -1)));
  posix_spawn_file_actions_destroy(&fa);
  return 0;
}
