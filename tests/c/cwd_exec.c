/* The current directory (host/wasi/cwd.ts): chdir, fchdir, getcwd with their errors, a relative path after each, and
 * an execve'd image that starts where its parent was (Linux's fs_struct survives execve). Compared with the gcc
 * build's output and strace's chdir/fchdir/getcwd lines (tests/cwd.test.ts).
 * usage: cwd_exec DIR        (DIR is writable; the program is DIR/cwd_exec)
 *        cwd_exec child      (what the exec'd image does) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "ok"); }

static void where(const char *what) {
  char b[512];
  printf("%s: %s\n", what, getcwd(b, sizeof b) ? b : strerror(errno));
}

static void cat(const char *path) {
  char b[64] = {0};
  int fd = open(path, O_RDONLY);
  if (fd < 0) { printf("open %s: %s\n", path, strerror(errno)); return; }
  ssize_t n = read(fd, b, sizeof b - 1);
  printf("%s holds %zd: %s\n", path, n, b);
  close(fd);
}

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 2 && strcmp(argv[1], "child") == 0) {
    where("child starts in");
    cat("note.txt");
    cat("../w/note.txt");
    return 0;
  }
  if (argc < 2) return 2;
  const char *dir = argv[1];
  show("chdir DIR", chdir(dir));
  where("now");
  show("chdir missing", chdir("no-such-dir"));
  show("chdir a file", chdir("cwd_exec"));
  show("chdir empty", chdir(""));
  show("chdir bad pointer", chdir((const char *)-1));
  show("mkdir w", mkdir("w", 0755));
  show("chdir w", chdir("w"));
  where("now");
  int fd = open("note.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  show("write note", (int)write(fd, "in w", 4));
  close(fd);
  show("chdir ..", chdir(".."));
  where("now");
  cat("w/note.txt");
  show("chdir ./w/", chdir("./w/"));
  where("now");
  show("chdir /", chdir("/"));
  where("now");
  int d = open(dir, O_RDONLY | O_DIRECTORY);
  show("fchdir DIR", fchdir(d));
  where("now");
  close(d);
  show("fchdir closed", fchdir(d));
  show("fchdir stdout", fchdir(1));
  char small[4];
  printf("getcwd small: %s\n", getcwd(small, 2) ? small : strerror(errno));
  printf("getcwd size 0: %s\n", getcwd(small, 0) ? small : strerror(errno));
  char *m = getcwd(NULL, 0);
  printf("getcwd NULL: %s\n", m ? m : strerror(errno));
  free(m);
  /* A current directory removed under the process: getcwd is ENOENT, ".." still leads to its parent. */
  show("mkdir gone", mkdir("gone", 0755));
  show("chdir gone", chdir("gone"));
  char removed[600];
  snprintf(removed, sizeof removed, "%s/gone", dir);
  show("rmdir it", rmdir(removed));
  where("getcwd in a removed directory");
  show("chdir ..", chdir(".."));
  where("now");
  show("chdir w", chdir("w"));
  pid_t pid = fork();
  if (pid == 0) {
    char self[600];
    snprintf(self, sizeof self, "%s/cwd_exec", dir);
    execl(self, "cwd_exec", "child", (char *)0);
    perror("execl");
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  where("parent still in");
  return 0;
}
