/*
 * lib_net.h: the primitive families that talk to the network:
 * preflight.http (lib_http.c), preflight.redis (lib_redis.c) and
 * preflight.db (lib_db.c): their limits and the helpers they share
 * (defined in net.c). The open functions are in libs.h.
 */
#ifndef PF_LIB_NET_H
#define PF_LIB_NET_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "libs.h"

#define PF_HTTP_BODY_DEFAULT (4L << 20) /* response body cap */
#define PF_HTTP_BODY_MAX (16L << 20)    /* the most max_body_bytes may ask */
#define PF_HTTP_MAX_HEADERS 100         /* response headers kept */
#define PF_HTTP_MAX_HEADER_BYTES (64L << 10)


/*
 * Copy src to dst (dstlen bytes, always NUL-terminated) with every
 * occurrence of secret (when non-empty) replaced by "***". Used by the
 * network families so that a password never reaches a message.
 */
void pf_net_mask(char *dst, size_t dstlen, const char *src, const char *secret);

/*
 * Copy a URL for messages with the password of its userinfo (between
 * "//user:" and "@") replaced by "***". Never fails; truncates.
 */
void pf_net_mask_url(char *dst, size_t dstlen, const char *url);

/* Milliseconds from now to deadline_ns (CLOCK_MONOTONIC), rounded up; 0
 * once it has passed. */
long pf_net_left_ms(uint64_t deadline_ns);

/*
 * The optional timeout_ms argument at arg: absent, or an integer from 1 to
 * 86400000 (else an argument error), clamped to the check's time left.
 */
long pf_net_timeout_arg(lua_State *L, int arg);

#endif
