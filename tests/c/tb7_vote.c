/* Donahoo & Calvert 5.2's voting protocol, VoteClientTCP and VoteServerTCP:
 * a vote or an inquiry for a candidate, answered with the candidate's
 * count. The messages go through stdio streams on the sockets (fdopen,
 * "r+", fflush after each message, as the book's PutMsg does), in the
 * book's two encodings with its two framings: text ("Voting v|i [R]
 * candidate [count]") delimited by a newline (GetNextMsg reads with fgetc
 * up to it), and binary (a 16-bit header of magic and flags, a 16-bit
 * candidate, the 64-bit count in network order as two 32-bit halves: the
 * book's htonll/ntohll) behind a 16-bit length prefix. The server is
 * iterative and forked; it takes one connection per encoding. A candidate
 * out of range gets no answer and ends the connection; counts past 2^32
 * survive both encodings. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CANDIDATE 1000
#define MAX_WIRE_SIZE 500

typedef struct {
  uint64_t count;
  int candidate;
  bool isInquiry;
  bool isResponse;
} VoteInfo;

/* Text encoding (VoteEncodingText.c). */
static const char *MAGIC = "Voting", *VOTESTR = "v", *INQSTR = "i", *RESPONSESTR = "R", *DELIMSTR = " ";

static size_t EncodeText(const VoteInfo *v, uint8_t *outBuf, size_t bufSize) {
  uint8_t *bufPtr = outBuf;
  long size = (size_t)bufSize;
  int rv = snprintf((char *)bufPtr, size, "%s %c %s %d", MAGIC, (v->isInquiry ? 'i' : 'v'), (v->isResponse ? "R" : ""), v->candidate);
  bufPtr += rv;
  size -= rv;
  if (v->isResponse) {
    rv = snprintf((char *)bufPtr, size, " %" PRIu64, v->count);
    bufPtr += rv;
  }
  return (size_t)(bufPtr - outBuf);
}

static bool DecodeText(uint8_t *inBuf, size_t mSize, VoteInfo *v) {
  (void)mSize;
  char *token = strtok((char *)inBuf, DELIMSTR);
  if (token == NULL || strcmp(token, MAGIC) != 0) return false;
  token = strtok(NULL, DELIMSTR);
  if (token == NULL) return false;
  if (strcmp(token, VOTESTR) == 0) v->isInquiry = false;
  else if (strcmp(token, INQSTR) == 0) v->isInquiry = true;
  else return false;
  token = strtok(NULL, DELIMSTR);
  if (token == NULL) return false;
  if (strcmp(token, RESPONSESTR) == 0) {
    v->isResponse = true;
    token = strtok(NULL, DELIMSTR);
    if (token == NULL) return false;
  } else {
    v->isResponse = false;
  }
  v->candidate = atoi(token);
  if (v->isResponse) {
    token = strtok(NULL, DELIMSTR);
    if (token == NULL) return false;
    v->count = strtoull(token, NULL, 10);
  } else {
    v->count = 0L;
  }
  return true;
}

/* Binary encoding (VoteEncodingBin.c). */
enum { REQUEST_SIZE = 4, RESPONSE_SIZE = 12, COUNT_SHIFT = 32, VOTE_FLAG = 0, INQUIRE_FLAG = 0x0100, RESPONSE_FLAG = 0x0200, MAGIC_BIN = 0x5400, MAGIC_MASK = 0xfc00 };

typedef struct {
  uint16_t header;
  uint16_t candidateID;
  uint32_t countHigh;
  uint32_t countLow;
} VoteMsgBin;

static size_t EncodeBin(const VoteInfo *v, uint8_t *outBuf, size_t bufSize) {
  if ((v->isResponse && bufSize < sizeof(VoteMsgBin)) || bufSize < 2 * sizeof(uint16_t)) return 0;
  VoteMsgBin *vm = (VoteMsgBin *)outBuf;
  memset(outBuf, 0, sizeof(VoteMsgBin));
  vm->header = MAGIC_BIN;
  if (v->isInquiry) vm->header |= INQUIRE_FLAG;
  if (v->isResponse) vm->header |= RESPONSE_FLAG;
  vm->header = htons(vm->header);
  vm->candidateID = htons(v->candidate);
  if (v->isResponse) {
    vm->countHigh = htonl(v->count >> COUNT_SHIFT);
    vm->countLow = htonl((uint32_t)v->count);
    return RESPONSE_SIZE;
  }
  return REQUEST_SIZE;
}

static bool DecodeBin(uint8_t *inBuf, size_t size, VoteInfo *v) {
  VoteMsgBin *vm = (VoteMsgBin *)inBuf;
  uint16_t header = ntohs(vm->header);
  if ((size < REQUEST_SIZE) || ((header & MAGIC_MASK) != MAGIC_BIN)) return false;
  v->isResponse = ((header & RESPONSE_FLAG) != 0);
  v->isInquiry = ((header & INQUIRE_FLAG) != 0);
  v->candidate = ntohs(vm->candidateID);
  if (v->isResponse && size >= RESPONSE_SIZE) v->count = ((uint64_t)ntohl(vm->countHigh) << COUNT_SHIFT) | (uint64_t)ntohl(vm->countLow);
  return true;
}

/* Delimiter framing (DelimFramer.c). */
static const char DELIMITER = '\n';

static int GetNextMsgDelim(FILE *in, uint8_t *buf, size_t bufSize) {
  int count = 0;
  int nextChar;
  while (count < (int)bufSize) {
    nextChar = getc(in);
    if (nextChar == EOF) {
      if (count > 0) return -1; /* the book: "Stream ended prematurely" */
      return -1;
    } else if (nextChar == DELIMITER) {
      break;
    }
    buf[count++] = nextChar;
  }
  if (nextChar != DELIMITER) return -count;
  return count;
}

static int PutMsgDelim(uint8_t buf[], size_t msgSize, FILE *out) {
  for (size_t i = 0; i < msgSize; i++)
    if (buf[i] == DELIMITER) return -1;
  if (fwrite(buf, 1, msgSize, out) != msgSize) return -1;
  fputc(DELIMITER, out);
  fflush(out);
  return msgSize;
}

/* Length framing (LengthFramer.c). */
static int GetNextMsgLen(FILE *in, uint8_t *buf, size_t bufSize) {
  uint16_t mSize = 0;
  uint16_t extra = 0;
  if (fread(&mSize, sizeof(uint16_t), 1, in) != 1) return -1;
  mSize = ntohs(mSize);
  if (mSize > bufSize) {
    extra = mSize - (uint16_t)bufSize;
    mSize = bufSize;
  }
  if (fread(buf, sizeof(uint8_t), mSize, in) != mSize) return -1;
  if (extra > 0) {
    uint8_t waste[64];
    while (extra > 0) {
      size_t w = extra > sizeof waste ? sizeof waste : extra;
      if (fread(waste, 1, w, in) != w) return -1;
      extra -= w;
    }
    return -mSize;
  }
  return mSize;
}

static int PutMsgLen(uint8_t buf[], size_t msgSize, FILE *out) {
  if (msgSize > UINT16_MAX) return -1;
  uint16_t payloadSize = htons(msgSize);
  if ((fwrite(&payloadSize, sizeof(uint16_t), 1, out) != 1) || (fwrite(buf, sizeof(uint8_t), msgSize, out) != msgSize)) return -1;
  fflush(out);
  return msgSize;
}

typedef struct {
  size_t (*encode)(const VoteInfo *, uint8_t *, size_t);
  bool (*decode)(uint8_t *, size_t, VoteInfo *);
  int (*get)(FILE *, uint8_t *, size_t);
  int (*put)(uint8_t *, size_t, FILE *);
  const char *name;
} Codec;

static const Codec TEXT = {EncodeText, DecodeText, GetNextMsgDelim, PutMsgDelim, "text, newline-delimited"};
static const Codec BIN = {EncodeBin, DecodeBin, GetNextMsgLen, PutMsgLen, "binary, length-prefixed"};

static uint64_t counts[MAX_CANDIDATE + 1];

/* VoteServerTCP's HandleTCPClient loop, on one connection. */
static void serveOne(int clntSock, const Codec *c) {
  FILE *channel = fdopen(clntSock, "r+");
  if (channel == NULL) exit(2);
  int mSize;
  uint8_t inBuf[MAX_WIRE_SIZE];
  VoteInfo v;
  while ((mSize = c->get(channel, inBuf, MAX_WIRE_SIZE - 1)) > 0) {
    inBuf[mSize] = '\0';
    memset(&v, 0, sizeof v);
    if (c->decode(inBuf, mSize, &v)) {
      if (!v.isResponse) {
        if (v.candidate < 0 || v.candidate > MAX_CANDIDATE) break; /* the book ignores it; here the connection ends */
        if (!v.isInquiry) counts[v.candidate] += 1;
        v.isResponse = true;
        v.count = counts[v.candidate];
        uint8_t outBuf[MAX_WIRE_SIZE];
        mSize = c->encode(&v, outBuf, MAX_WIRE_SIZE);
        if (c->put(outBuf, mSize, channel) < 0) break;
      }
    }
  }
  fclose(channel);
}

static void server(int servSock, int ready) {
  write(ready, "r", 1);
  close(ready);
  counts[7] = 4999999998ULL; /* the count a long campaign reached */
  const Codec *order[] = {&TEXT, &BIN};
  for (int i = 0; i < 2; i++) {
    int clntSock = accept(servSock, NULL, NULL);
    if (clntSock < 0) exit(1);
    serveOne(clntSock, order[i]);
  }
  exit(0);
}

/* VoteClientTCP: each request and its answer, in the codec given. */
static void client(in_port_t port, const Codec *c) {
  int sock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = port;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(sock, (struct sockaddr *)&a, sizeof a) < 0) exit(1);
  FILE *str = fdopen(sock, "r+");
  printf("-- %s\n", c->name);
  struct { int candidate; bool inq; } reqs[] = {{7, true}, {7, false}, {7, false}, {42, false}, {42, true}, {7, true}, {1001, false}};
  for (size_t i = 0; i < sizeof reqs / sizeof *reqs; i++) {
    VoteInfo vi;
    memset(&vi, 0, sizeof vi);
    vi.isInquiry = reqs[i].inq;
    vi.candidate = reqs[i].candidate;
    uint8_t outBuf[MAX_WIRE_SIZE];
    size_t reqSize = c->encode(&vi, outBuf, MAX_WIRE_SIZE);
    printf("Sending %zu-byte %s for candidate %d...\n", reqSize, (vi.isInquiry ? "inquiry" : "vote"), vi.candidate);
    if (c->put(outBuf, reqSize, str) < 0) {
      printf("PutMsg failed\n");
      break;
    }
    uint8_t inbuf[MAX_WIRE_SIZE];
    int respSize = c->get(str, inbuf, MAX_WIRE_SIZE - 1);
    if (respSize <= 0) {
      printf("no response: the server closed the connection\n");
      break;
    }
    inbuf[respSize] = '\0';
    if (c == &TEXT) printf("Received message: %s\n", (char *)inbuf);
    else {
      printf("Received message:");
      for (int k = 0; k < respSize; k++) printf(" %02x", inbuf[k]);
      printf("\n");
    }
    if (c->decode(inbuf, respSize, &vi)) {
      printf("Received:\n");
      if (vi.isResponse) printf("  Response to ");
      if (vi.isInquiry) printf("inquiry ");
      else printf("vote ");
      printf("for candidate %d\n", vi.candidate);
      if (vi.isResponse) printf("  count = %" PRIu64 "\n", vi.count);
    }
  }
  fclose(str);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int servSock = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(servSock, (struct sockaddr *)&a, sizeof a) < 0 || listen(servSock, 5) < 0) return 1;
  socklen_t len = sizeof a;
  getsockname(servSock, (struct sockaddr *)&a, &len);
  int p[2];
  pipe(p);
  pid_t srv = fork();
  if (srv == 0) {
    close(p[0]);
    server(servSock, p[1]);
  }
  close(p[1]);
  close(servSock);
  char c;
  read(p[0], &c, 1);
  client(a.sin_port, &TEXT);
  client(a.sin_port, &BIN);
  int st;
  waitpid(srv, &st, 0);
  printf("server exit %d\n", WEXITSTATUS(st));
  return 0;
}
