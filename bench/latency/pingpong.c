/* The loopback limit for exercise 01: a UDP ping-pong in plain C, with no
 * work per datagram but recvfrom/sendto (server) and send/recv plus a
 * monotonic clock read (client). The reference pair is compared with it.
 *
 *   pingpong server            prints "listening on 127.0.0.1:PORT", echoes for ever
 *   pingpong client PORT COUNT SIZE
 *                              prints "p50_us=… p99_us=…" over COUNT round trips
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    static char buf[65536];
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (argc == 2 && strcmp(argv[1], "server") == 0) {
        socklen_t len = sizeof addr;
        bind(fd, (struct sockaddr *)&addr, sizeof addr);
        getsockname(fd, (struct sockaddr *)&addr, &len);
        printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
        fflush(stdout);
        for (;;) {
            struct sockaddr_in from;
            socklen_t flen = sizeof from;
            ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
            if (n >= 0) sendto(fd, buf, n, 0, (struct sockaddr *)&from, flen);
        }
    }
    if (argc != 5 || strcmp(argv[1], "client") != 0) {
        fprintf(stderr, "usage: pingpong server | pingpong client PORT COUNT SIZE\n");
        return 2;
    }
    addr.sin_port = htons(atoi(argv[2]));
    long count = atol(argv[3]), size = atol(argv[4]);
    double *rtt = calloc(count, sizeof *rtt);
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connect(fd, (struct sockaddr *)&addr, sizeof addr);
    long got = 0;
    for (long seq = 0; seq < count; seq++) {
        memcpy(buf, &seq, sizeof seq);
        double start = now_us();
        send(fd, buf, size, 0);
        if (recv(fd, buf, sizeof buf, 0) >= 0) rtt[got++] = now_us() - start;
    }
    if (got == 0) { fprintf(stderr, "no replies\n"); return 1; }
    qsort(rtt, got, sizeof *rtt, cmp);
    printf("p50_us=%.1f p99_us=%.1f received=%ld\n", rtt[(got * 50 + 99) / 100 - 1], rtt[(got * 99 + 99) / 100 - 1], got);
    return 0;
}
