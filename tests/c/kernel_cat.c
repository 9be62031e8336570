/* Copies stdin to stdout in odd-sized reads, then reports the byte count on stderr. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[7];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    if (write(1, buf, (size_t)n) != n) return 2;
    total += n;
  }
  if (n < 0) { perror("read"); return 1; }
  fprintf(stderr, "copied %ld bytes\n", total);
  return 0;
}
