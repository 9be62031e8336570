/* execve's failures for files that are no runnable program (APUE 8.10/8.12,
 * execve(2)'s ERRORS): a file without execute permission, a "#!" script
 * whose interpreter is missing, a directory or no file at all, a "#!" line
 * naming nothing, a script whose interpreter is a directory or a script
 * with a missing interpreter, a path through a regular file; execvp's PATH
 * search remembering EACCES. Self-contained: the files are made in TMP
 * ($SOCKLAB_TEST_TMP natively, /tmp under socklab). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];
static char *const argv0[] = { "prog", "arg", NULL };
static char *const noenv[] = { NULL };

static const char *file(const char *name, const char *text, mode_t mode) {
  static char paths[16][320];
  static int n;
  char *p = paths[n++ % 16];
  snprintf(p, 320, "%s/%s", tmp, name);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) { perror(p); exit(1); }
  write(fd, text, strlen(text));
  close(fd);
  chmod(p, mode);
  return p;
}

static void try(const char *what, const char *path) {
  errno = 0;
  int r = execve(path, argv0, noenv);
  printf("%s: %d %s\n", what, r, strerror(errno));
}

int main(void) {
  const char *t = getenv("SOCKLAB_TEST_TMP");
  snprintf(tmp, sizeof tmp, "%s", t && *t ? t : "/tmp");
  const char *noexec = file("tb14-noexec", "#!/no/such/interp\n", 0644);
  try("no execute permission", noexec);
  try("missing interpreter", file("tb14-nointerp", "#!/no/such/interp -x\n", 0755));
  try("\"#!\" naming nothing", file("tb14-empty", "#!   \n", 0755));
  try("interpreter is a directory", file("tb14-dirinterp", "#!/\n", 0755));
  char line[320];
  snprintf(line, sizeof line, "#!%s/tb14-nointerp\n", tmp);
  try("script as interpreter, its own missing", file("tb14-chain", line, 0755));
  try("a directory", tmp);
  try("missing file", "/no/such/file");
  try("empty path", "");
  char through[400];
  snprintf(through, sizeof through, "%s/x", noexec);
  try("path through a file", through);
  char path[300];
  snprintf(path, sizeof path, "/no/such/dir:%s:/nowhere", tmp);
  setenv("PATH", path, 1);
  errno = 0;
  execvp("tb14-noexec", argv0);
  printf("execvp, found only without x: %s\n", strerror(errno));
  setenv("PATH", "/no/such/dir:/nowhere", 1);
  errno = 0;
  execvp("tb14-noexec", argv0);
  printf("execvp, found nowhere: %s\n", strerror(errno));
  return 0;
}
