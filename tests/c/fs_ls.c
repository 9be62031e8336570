/* Lists a directory (argv[1], default /) in sorted order, prints the first
 * line of argv[2] when given, and checks that /tmp is writable. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/";
  DIR *d = opendir(dir);
  if (!d) return perror("opendir"), 1;
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  for (int i = 0; i < n; i++) printf("entry: %s\n", names[i]);
  if (argc > 2) {
    FILE *f = fopen(argv[2], "r");
    char line[256] = {0};
    if (!f || !fgets(line, sizeof line, f)) return perror(argv[2]), 1;
    printf("%s: %s", argv[2], line);
    fclose(f);
  }
  int fd = open("/tmp/scratch", O_CREAT | O_RDWR | O_TRUNC, 0644);
  char buf[8] = {0};
  int ok = fd >= 0 && write(fd, "tmp ok", 6) == 6 && pread(fd, buf, 6, 0) == 6;
  printf("fd %d, /tmp: %s\n", fd, ok ? buf : "failed");
  return 0;
}
