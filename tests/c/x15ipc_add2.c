/* APUE 15.19: the add2 filter with standard I/O, line buffered (15.18's coprocess blocks without setvbuf:
 * stdin and stdout are pipes, so fully buffered). With the argument "nobuf" it leaves out the setvbuf calls:
 * the book's deadlock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLINE 4096

int main(int argc, char *argv[]) {
  int int1, int2;
  char line[MAXLINE];

  int nobuf = argc > 1 && strcmp(argv[1], "nobuf") == 0;
  if (!nobuf && setvbuf(stdin, NULL, _IOLBF, 0) != 0) { fprintf(stderr, "setvbuf error\n"); exit(1); }
  if (!nobuf && setvbuf(stdout, NULL, _IOLBF, 0) != 0) { fprintf(stderr, "setvbuf error\n"); exit(1); }
  while (fgets(line, MAXLINE, stdin) != NULL) {
    if (sscanf(line, "%d%d", &int1, &int2) == 2) {
      if (printf("%d\n", int1 + int2) == EOF) { fprintf(stderr, "printf error\n"); exit(1); }
    } else {
      if (printf("invalid args\n") == EOF) { fprintf(stderr, "printf error\n"); exit(1); }
    }
  }
  exit(0);
}
