/* Prints random bytes: the same seed must give the same bytes. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  unsigned char b[16];
  if (getentropy(b, sizeof b) != 0) { perror("getentropy"); return 1; }
  for (unsigned i = 0; i < sizeof b; i++) printf("%02x", b[i]);
  printf("\n");
  return 0;
}
