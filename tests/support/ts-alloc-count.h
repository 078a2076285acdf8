/* Counts heap allocations (malloc, calloc, realloc) while ts_alloc_counting is set, and keeps
 * the largest one's bytes in ts_alloc_max_bytes, by
 * interposing glibc's allocator: the "no allocation per item in steady state" checks of the
 * tests and benchmarks. Defines the allocator functions, so include it from exactly one source
 * file of a program. Under AddressSanitizer (which owns the allocator) nothing is interposed
 * and TS_ALLOC_COUNT_UNAVAILABLE is defined: callers skip their checks. */
#ifndef TS_ALLOC_COUNT_H
#define TS_ALLOC_COUNT_H

#include <glib.h>
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define TS_ALLOC_COUNT_UNAVAILABLE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TS_ALLOC_COUNT_UNAVAILABLE 1
#endif
#endif

static volatile gboolean ts_alloc_counting;
static volatile guint64 ts_alloc_count;
static volatile size_t ts_alloc_max_bytes;

#ifndef TS_ALLOC_COUNT_UNAVAILABLE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *malloc(size_t n)
{
    if (ts_alloc_counting) {
        ts_alloc_count++;
        ts_alloc_max_bytes = MAX(ts_alloc_max_bytes, n);
    }
    return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (ts_alloc_counting) {
        ts_alloc_count++;
        ts_alloc_max_bytes = MAX(ts_alloc_max_bytes, a * b);
    }
    return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    if (ts_alloc_counting) {
        ts_alloc_count++;
        ts_alloc_max_bytes = MAX(ts_alloc_max_bytes, n);
    }
    return __libc_realloc(p, n);
}
#endif

#endif /* TS_ALLOC_COUNT_H */
