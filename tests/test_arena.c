/*
 * test_arena.c: cmocka tests of the sandbox's small-block arena
 * (host/arena.c) and of the counting allocator over it (host/sandbox.c).
 *
 * The arena on its own: alignment, size classes at their edges, reuse of a
 * freed block, a reset only when the last state leaves, and running out of
 * its region. Then through real sandboxes: blocks written by one state are
 * not seen by the next, a state that needs more small blocks than the
 * region holds still works (they come from malloc and go back to free),
 * and the memory cap still counts every byte, arena or not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "arena.h"
#include "sandbox.h"
#include "testutil.h"

static void test_alignment_and_classes(void **state)
{
    static const size_t sizes[] = {1, 8, 15, 16, 17, 31, 32, 33, 100, 511, 512};
    void *p[sizeof sizes / sizeof sizes[0]];
    size_t i;

    (void)state;
    pf_arena_enter();
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        p[i] = pf_arena_alloc(sizes[i]);
        assert_non_null(p[i]);
        assert_true(pf_arena_owns(p[i]));
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], 0xAB, sizes[i]); /* the whole block is writable */
    }
    /* distinct live blocks never overlap */
    for (i = 1; i < sizeof sizes / sizeof sizes[0]; i++)
        assert_true((char *)p[i] >= (char *)p[i - 1] + sizes[i - 1]);
    assert_null(pf_arena_alloc(0));
    assert_null(pf_arena_alloc(PF_ARENA_MAX + 1));
    assert_true(pf_arena_same_class(1, 16));
    assert_true(pf_arena_same_class(17, 32));
    assert_false(pf_arena_same_class(16, 17));
    assert_false(pf_arena_same_class(496, 497));
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        pf_arena_free(p[i], sizes[i]);
    pf_arena_leave();
    assert_int_equal(pf_arena_used(), 0);
}

static void test_reuse_and_reset(void **state)
{
    void *a, *b, *c, *d;
    int x;

    (void)state;
    pf_arena_enter();
    a = pf_arena_alloc(40);
    b = pf_arena_alloc(40);
    assert_ptr_not_equal(a, b);
    pf_arena_free(a, 40);
    c = pf_arena_alloc(33); /* same class (48 bytes): the freed block */
    assert_ptr_equal(c, a);
    d = pf_arena_alloc(64); /* another class: not the freed block */
    assert_ptr_not_equal(d, a);
    assert_ptr_not_equal(d, b);
    assert_true(pf_arena_used() > 0);

    /* a second state: the first one leaving does not reset */
    pf_arena_enter();
    pf_arena_leave();
    assert_true(pf_arena_used() > 0);
    pf_arena_free(b, 40);
    assert_ptr_equal(pf_arena_alloc(48), b);

    pf_arena_leave(); /* the last one: reset */
    assert_int_equal(pf_arena_used(), 0);
    pf_arena_enter();
    assert_ptr_equal(pf_arena_alloc(16), a); /* from the start again */
    pf_arena_leave();

    /* stray leaves never make the count negative */
    pf_arena_leave();
    pf_arena_enter();
    x = pf_arena_alloc(16) != NULL;
    assert_true(x);
    pf_arena_enter();
    pf_arena_leave();
    assert_true(pf_arena_used() > 0); /* one state still in */
    pf_arena_leave();
    assert_int_equal(pf_arena_used(), 0);
}

static void test_region_runs_out(void **state)
{
    size_t n = 0;
    void *p;

    (void)state;
    pf_arena_enter();
    while ((p = pf_arena_alloc(PF_ARENA_MAX)) != NULL)
        n++;
    /* the region is 16 MiB: it ends, and at the size it says */
    assert_int_equal(n * PF_ARENA_MAX, (size_t)16 << 20);
    /* nothing is left, not even for the smallest class */
    p = (char *)pf_arena_alloc(16);
    assert_null(p);
    pf_arena_leave();
    pf_arena_enter();
    assert_non_null(pf_arena_alloc(PF_ARENA_MAX));
    pf_arena_leave();
}

/* ---- through the sandbox -------------------------------------------------- */

static char out[4096];

static const char *run(const pf_sandbox_conf *conf, const char *code)
{
    return run_lua(conf, code, 20000, out, sizeof out);
}

static void test_states_do_not_share(void **state)
{
    pf_sandbox_conf conf = test_conf("mock");

    (void)state;
    /* the first state leaves a marker in a table and in a global; the
     * second reuses the same memory and must see neither */
    assert_string_equal(run(&conf, "secret_marker = {'left over'} "
                                   "string.marker = 1 return 'one'"),
                        "one");
    assert_string_equal(run(&conf, "return tostring(secret_marker) .. "
                                   "tostring(string.marker)"),
                        "nilnil");
    assert_int_equal(pf_arena_used(), 0);
}

static void test_more_small_blocks_than_the_region(void **state)
{
    pf_sandbox_conf conf = test_conf("mock");

    (void)state;
    /* ~450,000 short strings and their table: well past the 16 MiB region,
     * well under the 64 MiB cap. The strings past the region come from
     * malloc; freeing them all (the table dropped, then lua_close) must
     * give each block back to where it came from. */
    assert_string_equal(
        run(&conf, "local t = {} for i = 1, 450000 do t[i] = 'k' .. i end "
                   "local n = #t t = nil "
                   "local u = {} for i = 1, 1000 do u[i] = {i} end "
                   "return tostring(n + #u)"),
        "451000");
    assert_string_equal(run(&conf, "return 'after'"), "after");
}

static void test_cap_counts_arena_blocks(void **state)
{
    pf_sandbox_conf conf = test_conf("mock");

    (void)state;
    conf.memory_bytes = 4u << 20;
    /* small blocks only (short strings), far past a 4 MiB cap: refused */
    assert_non_null(strstr(
        run(&conf, "local t = {} for i = 1, 1e6 do t[#t + 1] = 'v' .. i end "
                   "return 'no'"),
        "error: not enough memory"));
    conf.memory_bytes = 64u << 20;
    assert_string_equal(run(&conf, "return 'fine'"), "fine");
}

/*
 * The sandbox's own allocator (taken from a real state with lua_getallocf),
 * driven by a seeded random mix of allocations, frees, growths and
 * shrinks across the arena's edge (512 bytes) and past the region. Every
 * live block is filled with its own byte pattern and checked after each
 * step, so two blocks that overlap, or a resize that lost bytes, fail the
 * test; the sandbox's count must equal the sum of the live sizes.
 */
#define NBLK 4096

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

static size_t random_size(void)
{
    switch (next_rand() % 4) {
    case 0:
        return 1 + next_rand() % 32;
    case 1:
        return 1 + next_rand() % PF_ARENA_MAX;
    case 2:
        return PF_ARENA_MAX - 8 + next_rand() % 16; /* the edge */
    default:
        return 1 + next_rand() % 8192;
    }
}

static void check_block(const unsigned char *p, size_t n, unsigned char tag)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != tag)
            fail_msg("block tagged %u: byte %zu of %zu is %u", tag, i, n,
                     p[i]);
}

/* With `crowd`, the region is first used up (all but a few blocks taken
 * here, every other one given back), so the small blocks come from
 * malloc and from the arena's free lists, mixed. */
static void run_property(int crowd)
{
    pf_sandbox_conf conf = test_conf("mock");
    pf_sandbox sb;
    lua_Alloc f;
    void *ud;
    static unsigned char *blk[NBLK];
    static size_t len[NBLK];
    static void *held[(16u << 20) / 256 + 1];
    size_t base_used, live = 0, step, i, nheld = 0;

    memset(blk, 0, sizeof blk);
    memset(len, 0, sizeof len);
    conf.memory_bytes = (size_t)1 << 30;
    assert_int_equal(pf_sandbox_open(&sb, &conf, pf_now_ns() + 60000000000ull),
                     0);
    f = lua_getallocf(sb.L, &ud);
    base_used = sb.used;
    if (crowd) {
        while (nheld < sizeof held / sizeof held[0] &&
               (held[nheld] = pf_arena_alloc(256)) != NULL)
            nheld++;
        assert_true(nheld < sizeof held / sizeof held[0]); /* ran out */
        for (i = 0; i < nheld; i += 2)
            pf_arena_free(held[i], 256);
    }
    for (step = 0; step < 200000; step++) {
        size_t k = next_rand() % NBLK, n;
        unsigned char tag = (unsigned char)(1 + k % 251);
        if (blk[k] == NULL) {
            n = random_size();
            blk[k] = f(ud, NULL, LUA_TSTRING, n);
            assert_non_null(blk[k]);
            memset(blk[k], tag, n);
            len[k] = n;
            live += n;
        } else if (next_rand() % 3 == 0) {
            check_block(blk[k], len[k], tag);
            assert_null(f(ud, blk[k], len[k], 0));
            live -= len[k];
            blk[k] = NULL;
            len[k] = 0;
        } else {
            unsigned char *q;
            n = random_size();
            check_block(blk[k], len[k], tag);
            q = f(ud, blk[k], len[k], n);
            assert_non_null(q);
            check_block(q, len[k] < n ? len[k] : n, tag);
            memset(q, tag, n);
            live = live - len[k] + n;
            blk[k] = q;
            len[k] = n;
        }
        assert_int_equal(sb.used, base_used + live);
        if (step % 20000 == 0) /* every live block still holds its own */
            for (i = 0; i < NBLK; i++)
                if (blk[i] != NULL)
                    check_block(blk[i], len[i], (unsigned char)(1 + i % 251));
    }
    for (i = 0; i < NBLK; i++)
        if (blk[i] != NULL) {
            check_block(blk[i], len[i], (unsigned char)(1 + i % 251));
            f(ud, blk[i], len[i], 0);
        }
    assert_int_equal(sb.used, base_used);
    assert_false(sb.oom);
    for (i = 1; crowd && i < nheld; i += 2)
        pf_arena_free(held[i], 256);
    pf_sandbox_close(&sb);
    assert_int_equal(pf_arena_used(), 0);
}

static void test_allocator_property(void **state)
{
    (void)state;
    run_property(0);
}

static void test_allocator_property_region_full(void **state)
{
    (void)state;
    run_property(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_and_classes),
        cmocka_unit_test(test_reuse_and_reset),
        cmocka_unit_test(test_region_runs_out),
        cmocka_unit_test(test_states_do_not_share),
        cmocka_unit_test(test_more_small_blocks_than_the_region),
        cmocka_unit_test(test_cap_counts_arena_blocks),
        cmocka_unit_test(test_allocator_property),
        cmocka_unit_test(test_allocator_property_region_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
