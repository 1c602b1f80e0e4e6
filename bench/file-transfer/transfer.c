/* The C baselines for exercise 02: a bare sender and receiver of one file over
 * a loopback TCP connection, with none of the protocol around it, each in two
 * ways:
 *
 *   transfer recv OUT copy|splice   listen on 127.0.0.1 (port 0), print the
 *                                   port, accept one connection, write all
 *                                   that comes to OUT, fsync it, exit
 *   transfer send PORT IN copy|sendfile
 *                                   connect to 127.0.0.1:PORT, send IN, close
 *
 * copy: read/write through one 128 KiB buffer, the plain loop.
 * splice: socket -> pipe -> file with splice(2), no copy through user memory.
 * sendfile: file -> socket with sendfile(2), the same on the sending side.
 * Built by bench/file-transfer/run.sh with gcc -O2. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (128 * 1024)

static void die(const char *what) { perror(what); exit(1); }

static void write_all(int fd, const char *buf, ssize_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) die("write");
        buf += w, n -= w;
    }
}

static int receive(const char *out, int use_splice) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 1) < 0) die("listen");
    getsockname(listener, (struct sockaddr *)&addr, &len);
    printf("%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    int conn = accept(listener, NULL, NULL);
    if (conn < 0) die("accept");
    int file = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file < 0) die("open");
    if (use_splice) {
        int pipe_fds[2];
        if (pipe(pipe_fds) < 0) die("pipe");
        fcntl(pipe_fds[1], F_SETPIPE_SZ, 1 << 20);
        for (;;) {
            ssize_t n = splice(conn, NULL, pipe_fds[1], NULL, 1 << 20, SPLICE_F_MOVE | SPLICE_F_MORE);
            if (n < 0) die("splice in");
            if (n == 0) break;
            while (n > 0) {
                ssize_t m = splice(pipe_fds[0], NULL, file, NULL, n, SPLICE_F_MOVE | SPLICE_F_MORE);
                if (m <= 0) die("splice out");
                n -= m;
            }
        }
    } else {
        static char buf[CHUNK];
        for (;;) {
            ssize_t n = read(conn, buf, sizeof buf);
            if (n < 0) die("read");
            if (n == 0) break;
            write_all(file, buf, n);
        }
    }
    if (fsync(file) < 0) die("fsync");
    return 0;
}

static int send_file(int port, const char *in, int use_sendfile) {
    int file = open(in, O_RDONLY);
    if (file < 0) die("open");
    int conn = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(conn, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    if (use_sendfile) {
        struct stat st;
        fstat(file, &st);
        off_t left = st.st_size;
        while (left > 0) {
            ssize_t n = sendfile(conn, file, NULL, left);
            if (n <= 0) die("sendfile");
            left -= n;
        }
    } else {
        static char buf[CHUNK];
        for (;;) {
            ssize_t n = read(file, buf, sizeof buf);
            if (n < 0) die("read");
            if (n == 0) break;
            write_all(conn, buf, n);
        }
    }
    close(conn);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "recv") == 0) return receive(argv[2], strcmp(argv[3], "splice") == 0);
    if (argc == 5 && strcmp(argv[1], "send") == 0)
        return send_file(atoi(argv[2]), argv[3], strcmp(argv[4], "sendfile") == 0);
    fprintf(stderr, "usage: transfer recv OUT copy|splice | transfer send PORT IN copy|sendfile\n");
    return 2;
}
