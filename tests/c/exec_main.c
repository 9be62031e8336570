/* execve and its family, compared with Linux: the errors of a path that is
 * missing, a directory, a bad argv pointer; then fork + execle of exec_child
 * (DIR/exec_child) with a handled, an ignored and a blocked signal, an fd
 * kept and one marked FD_CLOEXEC; then execvp searching PATH; the parent
 * reads what the new image wrote and collects its status.
 * usage: exec_main DIR [FILE]   (FILE: only execve(FILE), which is no program) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

static void try(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static int run(const char *dir, int viaPath) {
  int sv[2], pipefd[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe(pipefd) < 0) { perror("setup"); return 1; }
  fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigprocmask(SIG_BLOCK, &m, NULL);
    char spid[16], keep[16], gone[16];
    snprintf(spid, sizeof spid, "%d", getpid());
    snprintf(keep, sizeof keep, "%d", sv[1]);
    snprintf(gone, sizeof gone, "%d", pipefd[0]);
    if (viaPath) {
      char path[512];
      snprintf(path, sizeof path, "/nonexistent-dir:%s", dir);
      setenv("PATH", path, 1);
      setenv("EXEC_X", "by-execvp", 1);
      char *argv[] = { "exec_child", spid, keep, gone, NULL };
      execvp("exec_child", argv);
    } else {
      char child[512];
      snprintf(child, sizeof child, "%s/exec_child", dir);
      char *envp[] = { "EXEC_X=1", "EXEC_HOME=/nowhere", NULL };
      execle(child, "exec_child", spid, keep, gone, (char *)NULL, envp);
    }
    perror("exec");
    _exit(127);
  }
  close(sv[1]);
  char buf[128];
  ssize_t n = read(sv[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  /* The child has exec'd (it wrote from its new image): no longer its parent's to move. */
  try("setpgid of a child that has exec'd", setpgid(pid, pid));
  int st;
  waitpid(pid, &st, 0);
  printf("parent read: \"%s\"; child exited %d\n", buf, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  close(sv[0]);
  close(pipefd[0]);
  close(pipefd[1]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: exec_main DIR\n"); return 2; }
  char *av[] = { "x", NULL };
  try("execve missing", execve("/nonexistent/prog", av, NULL));
  try("execve directory", execve("/", av, NULL));
  try("execve empty path", execve("", av, NULL));
  try("execvp missing", execvp("no-such-program-anywhere", av));
  char child[512];
  snprintf(child, sizeof child, "%s/exec_child", argv[1]);
  char *big = malloc(200000);
  memset(big, 'a', 199999);
  big[199999] = 0;
  char *av2[] = { "x", big, NULL };
  try("execve argument too long", execve(child, av2, NULL));
  try("execve bad argv", execve(child, (char **)-16, NULL));
  free(big);
  /* Not executable: EACCES, even for root. */
  {
    char plain[512];
    snprintf(plain, sizeof plain, "/tmp/socklab-exec-plain-%d", (int)getpid());
    FILE *f = fopen(plain, "w");
    if (f) { fputs("data\n", f); fclose(f); }
    chmod(plain, 0644);
    try("execve no execute bit", execve(plain, av, NULL));
    unlink(plain);
  }
  /* A file that is not a program (natively: made executable first, so the format is what fails). */
  if (argc > 2) {
    try("execve not a program", execve(argv[2], av, NULL));
    return 0;
  }
  run(argv[1], 0);
  run(argv[1], 1);
  return 0;
}
