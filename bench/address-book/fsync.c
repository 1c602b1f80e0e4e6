/* The disk's limit: how many durable appends per second it takes, one at a
 * time. Appends a 40-byte record and calls fdatasync, in a loop, for the given
 * seconds, in a file of the given directory (the directory the books live in,
 * so the same disk and file system). Prints `<fsyncs> <seconds> <fsyncs/s>`. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: fsync DIR SECONDS\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/fsync-probe", argv[1]);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    const char record[] = "40 0123abcd add:name,an entry of a book\n";
    double seconds = atof(argv[2]), start = now(), elapsed = 0;
    long count = 0;
    while (elapsed < seconds) {
        if (write(fd, record, sizeof record - 1) < 0 || fdatasync(fd) < 0) {
            perror("write/fdatasync");
            return 1;
        }
        count++;
        elapsed = now() - start;
    }
    close(fd);
    unlink(path);
    printf("%ld %.3f %.0f\n", count, elapsed, count / elapsed);
    return 0;
}
