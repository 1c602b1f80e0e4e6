/* The C baseline for exercise 04's reader: the same work with nothing around
 * it. shm_open the block, check its header, map it, sum the values in order, print the mean, mark the block
 * done (state = 2, futex wake).
 *
 *   reader NAME            as a program: what the spawn-to-exit figure times
 *   reader NAME --loop N   attach + map + sum + unmap N times in this process;
 *                          prints "best_seconds median_seconds"
 *
 * Built by bench/shm-array/run.sh with gcc -O2. Like the reference, it sums in
 * order with one accumulator (no -ffast-math), so both add the same numbers
 * the same way and print the same mean. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HEADER 64
/* -DPOPULATE=MAP_POPULATE maps every page up front; the default takes the
 * page faults as the sum reaches each page (the kernel maps 16 pages around
 * each fault of a shared file mapping), as the reference does. */
#ifndef POPULATE
#define POPULATE 0
#endif

static int attach_and_sum(const char *name, double *mean, int mark_done) {
    char path[256];
    snprintf(path, sizeof path, "/%s", name);
    int fd = shm_open(path, O_RDWR, 0);
    if (fd < 0) { perror("shm_open"); return -1; }
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size < HEADER) { fprintf(stderr, "no header\n"); return -1; }
    uint32_t *header = mmap(NULL, HEADER, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (header == MAP_FAILED) { perror("mmap header"); return -1; }
    uint64_t len;
    memcpy(&len, (char *)header + 16, 8);
    if (memcmp(header, "SHMARRAY", 8) != 0 || header[2] != 1 || __atomic_load_n(&header[3], __ATOMIC_ACQUIRE) != 1
        || len > ((uint64_t)st.st_size - HEADER) / 8) {
        fprintf(stderr, "bad or unpublished block\n");
        return -1;
    }
    size_t size = HEADER + 8 * len;
    char *map = mmap(NULL, size, PROT_READ, MAP_SHARED | POPULATE, fd, 0);
    if (map == MAP_FAILED) { perror("mmap values"); return -1; }
    const double *values = (const double *)(map + HEADER);
    double sum = 0;
    for (uint64_t i = 0; i < len; i++) sum += values[i];
    *mean = sum / (double)len;
    munmap(map, size);
    if (mark_done) {
        __atomic_store_n(&header[3], 2, __ATOMIC_RELEASE);
        syscall(SYS_futex, &header[3], FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
    }
    munmap(header, HEADER);
    close(fd);
    return 0;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc == 2) {
        double mean;
        if (attach_and_sum(argv[1], &mean, 1) != 0) return 1;
        printf("mean=%.17g\n", mean);
        return 0;
    }
    if (argc == 4 && strcmp(argv[2], "--loop") == 0) {
        int runs = atoi(argv[3]);
        if (runs < 1 || runs > 1000) return 2;
        double seconds[1000], mean;
        for (int i = 0; i < runs; i++) {
            double t = now();
            if (attach_and_sum(argv[1], &mean, 0) != 0) return 1;
            seconds[i] = now() - t;
        }
        qsort(seconds, runs, sizeof seconds[0], by_value);
        printf("%.9f %.9f\n", seconds[0], seconds[runs / 2]);
        return 0;
    }
    fprintf(stderr, "usage: reader NAME [--loop N]\n");
    return 2;
}
