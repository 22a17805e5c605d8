/*
 * arena.c: small-block allocation for the sandbox's Lua states (see
 * arena.h).
 */
#include "arena.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#ifdef PF_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define GRAIN 16
#define NCLASS (PF_ARENA_MAX / GRAIN)
#define SPAN ((size_t)16 << 20) /* the region: 16 MiB of address space */
#define KEEP ((size_t)2 << 20)  /* pages kept mapped across resets */

struct freeblock {
    struct freeblock *next;
};

static struct {
    unsigned char *base; /* the region, or NULL until first use */
    int failed;          /* mmap failed: everything goes to malloc */
    size_t off;          /* first byte never handed out */
    size_t high;         /* highest off since the region was mapped */
    struct freeblock *free[NCLASS + 1]; /* by class, 1..NCLASS */
    int live;            /* states using the arena */
} A;

static size_t class_of(size_t n)
{
    return (n + GRAIN - 1) / GRAIN;
}

int pf_arena_same_class(size_t a, size_t b)
{
    return class_of(a) == class_of(b);
}

int pf_arena_owns(const void *p)
{
    uintptr_t c = (uintptr_t)p, b = (uintptr_t)A.base;

    return A.base != NULL && c >= b && c - b < SPAN;
}

void *pf_arena_alloc(size_t n)
{
    size_t k = class_of(n), size = k * GRAIN;
    struct freeblock *b;

    if (n == 0 || k > NCLASS)
        return NULL;
    b = A.free[k];
    if (b != NULL) {
        UNPOISON(b, size);
        A.free[k] = b->next;
        POISON((unsigned char *)b + n, size - n);
        return b;
    }
    if (A.base == NULL) {
        void *m;
        if (A.failed)
            return NULL;
        m = mmap(NULL, SPAN, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            A.failed = 1;
            return NULL;
        }
        A.base = m;
        POISON(A.base, SPAN);
    }
    if (size > SPAN - A.off)
        return NULL;
    b = (struct freeblock *)(A.base + A.off);
    A.off += size;
    if (A.off > A.high)
        A.high = A.off;
    UNPOISON(b, n);
    return b;
}

void pf_arena_free(void *p, size_t n)
{
    size_t k = class_of(n);
    struct freeblock *b = p;

    UNPOISON(b, sizeof *b);
    b->next = A.free[k];
    A.free[k] = b;
    POISON(b, k * GRAIN);
}

void pf_arena_resize(void *p, size_t old, size_t n)
{
    size_t size = class_of(old) * GRAIN;

    UNPOISON(p, n);
    if (n < size)
        POISON((unsigned char *)p + n, size - n);
}

void pf_arena_enter(void)
{
    A.live++;
}

void pf_arena_leave(void)
{
    if (A.live > 0)
        A.live--;
    if (A.live > 0 || A.base == NULL)
        return;
    memset(A.free, 0, sizeof A.free);
    if (A.high > KEEP) {
        /* a big check's pages go back; the address space stays ours */
        madvise(A.base + KEEP, A.high - KEEP, MADV_DONTNEED);
        A.high = KEEP;
    }
    POISON(A.base, SPAN);
    A.off = 0;
}

size_t pf_arena_used(void)
{
    return A.off;
}
