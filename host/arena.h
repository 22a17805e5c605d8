/*
 * arena.h: small-block allocation for the sandbox's Lua states.
 *
 * Lua allocates and frees a great many small blocks (strings, tables,
 * closures) while a state is made and closed, and a worker makes and
 * closes one state per check. Taking those blocks from glibc's malloc was
 * about a third of a trivial check's cost. The arena serves blocks of up
 * to PF_ARENA_MAX bytes from one mapped region, in 16-byte size classes
 * with a free list each; Lua always passes a block's size when it frees or
 * resizes it, so no header is needed. When the last state using the arena
 * is closed, the arena is reset and the next state reuses the same pages.
 *
 * Counting and capping stay with the sandbox's allocator, which calls
 * this; larger blocks, and small ones once the region is used up, come
 * from malloc (pf_arena_owns tells which is which). One arena per process
 * (a worker is single-threaded). Under AddressSanitizer the sandbox does
 * not use the arena (see PF_ARENA_FOR_STATES); the arena's own free
 * blocks and unused space are poisoned there, so a read or write of a
 * block that is free is reported in its tests. Blocks sit side by side
 * with no redzone and are reused at once: the arena is not a checking
 * allocator.
 */
#ifndef PF_ARENA_H
#define PF_ARENA_H

#include <stddef.h>

#define PF_ARENA_MAX 512 /* largest block served from the arena */

/* Whether the sandbox takes its small blocks from the arena: not under
 * AddressSanitizer, whose malloc gives every block a redzone and holds
 * freed ones back, so the sanitizer build checks C code that writes into
 * Lua's blocks (luaL_Buffer and the like) as closely as before. The
 * arena itself is still tested there, through its own functions. */
#if defined(__SANITIZE_ADDRESS__)
#define PF_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PF_ARENA_ASAN 1
#endif
#endif
#ifdef PF_ARENA_ASAN
#define PF_ARENA_FOR_STATES 0
#else
#define PF_ARENA_FOR_STATES 1
#endif

/* A block of n bytes (1..PF_ARENA_MAX), 16-byte aligned, or NULL when the
 * region is used up or could not be mapped. */
void *pf_arena_alloc(size_t n);
/* Nonzero when p is inside the arena's region. */
int pf_arena_owns(const void *p);
/* Return a block of n bytes to its free list; p must be owned and n in
 * the size class it was taken with. */
void pf_arena_free(void *p, size_t n);
/* Nonzero when sizes a and b share a size class, so a block taken for
 * one can hold the other; pf_arena_resize then marks the new size. */
int pf_arena_same_class(size_t a, size_t b);
void pf_arena_resize(void *p, size_t old, size_t n);

/* A state begins or ends using the arena; when none is left the arena is
 * reset: every block is free again and pages past the first few are
 * given back to the kernel. */
void pf_arena_enter(void);
void pf_arena_leave(void);

/* Bytes of the region handed out since the last reset (for tests). */
size_t pf_arena_used(void);

#endif
