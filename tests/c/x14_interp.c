/* APUE 8.12 (interpreter files): DIR/testinterp is "#!DIR/echoall foo";
 * exec it with arguments; then scripts whose interpreter is missing, not
 * executable, nested too deep, and a file with no execute permission.
 * usage: x14_interp DIR WORK  (DIR holds echoall; WORK is a writable directory) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *envp[] = { "X14=interp", NULL };

static void script(const char *path, const char *first_line, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) { perror(path); exit(1); }
  dprintf(fd, "%s\necho never\n", first_line);
  close(fd);
  if (chmod(path, mode) < 0) perror("chmod");
}

/* fork, execle(path), report the exec's error or the child's status. */
static void run(const char *what, const char *path) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execle(path, "testinterp", "myarg1", "MY ARG2", (char *)0, envp);
    printf("%s: execle: %s\n", what, strerror(errno));
    fflush(stdout);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("%s: status %d\n", what, WEXITSTATUS(status));
}

int main(int argc, char *argv[]) {
  if (argc < 3) { fprintf(stderr, "usage: x14_interp DIR WORK\n"); return 2; }
  const char *dir = argv[1], *work = argv[2];
  char line[600], p[600], q[600], r[600];
  snprintf(p, sizeof p, "%s/testinterp", work);
  snprintf(line, sizeof line, "#!%s/echoall foo", dir);
  script(p, line, 0755);
  run("interpreter echoall", p);
  snprintf(line, sizeof line, "#! %s/echoall   two words  ", dir);
  script(p, line, 0755);
  run("interpreter with spaces", p);
  script(p, "#!/no/such/interpreter -x", 0755);
  run("missing interpreter", p);
  snprintf(q, sizeof q, "%s/noexec", work);
  script(q, "#!/no/such/interpreter", 0644);
  run("script without x bit", q);
  snprintf(line, sizeof line, "#!%s", q);
  script(p, line, 0755);
  run("interpreter without x bit", p);
  /* a script as the interpreter of a script, a few levels: Linux allows 4 more, then ELOOP */
  snprintf(r, sizeof r, "%s/s0", work);
  snprintf(line, sizeof line, "#!%s/echoall", dir);
  script(r, line, 0755);
  for (int i = 1; i <= 6; i++) {
    char cur[600];
    snprintf(cur, sizeof cur, "%s/s%d", work, i);
    snprintf(line, sizeof line, "#!%s/s%d", work, i - 1);
    script(cur, line, 0755);
    char what[32];
    snprintf(what, sizeof what, "nested %d", i);
    run(what, cur);
  }
  script(p, "#!", 0755);
  run("empty interpreter", p);
  script(p, "plain text, no #!", 0755);
  run("no format", p);
  return 0;
}
