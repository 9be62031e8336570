/* CS:APP Figure 11.27: the adder CGI program. Its arguments come in
 * QUERY_STRING ("15000&213"); its stdout is the client's connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLINE 8192

int main(void) {
  char *buf, *p, arg1[MAXLINE], arg2[MAXLINE], content[MAXLINE];
  int n1 = 0, n2 = 0;
  if ((buf = getenv("QUERY_STRING")) != NULL) {
    p = strchr(buf, '&');
    if (p) {
      *p = '\0';
      strcpy(arg1, buf);
      strcpy(arg2, p + 1);
      n1 = atoi(arg1);
      n2 = atoi(arg2);
    }
  }
  int len = snprintf(content, sizeof content, "Welcome to add.com: THE Internet addition portal.\r\n<p>The answer is: %d + %d = %d\r\n<p>Thanks for visiting!\r\n", n1, n2, n1 + n2);
  printf("Connection: close\r\n");
  printf("Content-length: %d\r\n", len);
  printf("Content-type: text/html\r\n\r\n");
  printf("%s", content);
  fflush(stdout);
  exit(0);
}
