/* The pager x15ipc_pager execs in place of /bin/more (which, writing to no terminal, copies its input): numbers
 * the lines of its standard input, then says how it saw the end of its input and what it was. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  char line[4096];
  int n = 0;
  struct stat st;
  while (fgets(line, sizeof line, stdin) != NULL) printf("%6d  %s", ++n, line);
  if (fstat(STDIN_FILENO, &st) == 0) printf("%s: %d lines from a %s\n", argv[0], n, S_ISFIFO(st.st_mode) ? "pipe" : "non-pipe");
  return ferror(stdin) ? 1 : 0;
}
