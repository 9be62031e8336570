/* stdio and writev/readv through the preview1 adapter, whose fd_write writes
 * one iovec and fd_read fills one. args: MODE (default, full, small, line,
 * none: stdout's and the file's buffering) FILE (a writable path). Every
 * build and runtime must print what Linux prints. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static char small_out[64], small_file[64];

static void buffering(FILE *f, const char *mode, char *small) {
  if (!strcmp(mode, "full")) setvbuf(f, NULL, _IOFBF, 4096);
  else if (!strcmp(mode, "small")) setvbuf(f, small, _IOFBF, 64); /* smaller than most lines below */
  else if (!strcmp(mode, "line")) setvbuf(f, NULL, _IOLBF, 4096);
  else if (!strcmp(mode, "none")) setvbuf(f, NULL, _IONBF, 0);
}

static unsigned hash(const char *p, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *mode = argv[1], *path = argv[2];
  buffering(stdout, mode, small_out);
  static char big[5001];
  for (int i = 0; i < 5000; i++) big[i] = (char)('a' + i % 26);
  /* Several formatted printfs before any flush: the first one's text must come out first and whole. */
  printf("mode %s: first %d %s\n", mode, 1, "formatted");
  printf("second %05d|%-8s|%x\n", 42, "left", 0xbeef);
  puts("third, from puts");
  for (int i = 0; i < 3; i++) putchar('0' + i);
  printf("\nbig %zu: %s\n", strlen(big), big); /* longer than any buffer: written around it */
  fwrite("fwrite\n", 1, 7, stdout);
  fflush(stdout);

  struct iovec v[5] = {{"ab", 2}, {"", 0}, {"cd", 2}, {big, 3000}, {"ef\n", 3}};
  ssize_t n = writev(STDOUT_FILENO, v, 5);
  printf("\nwritev stdout: %zd\n", n);
  fflush(stdout);

  FILE *f = fopen(path, "w");
  if (!f) return 3;
  buffering(f, mode, small_file);
  fprintf(f, "file %s: first %d\n", mode, 1);
  fprintf(f, "second %s\n", big + 4900);
  fputs("third\n", f);
  printf("fclose: %d\n", fclose(f));

  int fd = open(path, O_RDWR | O_APPEND);
  n = writev(fd, v, 5);
  printf("writev file: %zd\n", n);
  lseek(fd, 0, SEEK_SET);
  char a[5] = {0}, b[1] = {0}, c[20] = {0}, *rest = malloc(8192);
  struct iovec r[4] = {{a, 4}, {b, 0}, {b, 1}, {c, 19}};
  n = readv(fd, r, 4);
  printf("readv file: %zd [%s] [%c] [%s]\n", n, a, b[0], c);
  struct iovec rr[2] = {{rest, 100}, {rest + 100, 8092}};
  n = readv(fd, rr, 2);
  printf("readv rest: %zd hash %08x\n", n, n > 0 ? hash(rest, (size_t)n) : 0);
  printf("readv at end: %zd\n", readv(fd, rr, 2));
  close(fd);
  free(rest);
  /* Left in the buffer for exit to flush. */
  printf("last line, %s\n", "flushed at exit");
  return 0;
}
