/*
 * net.c: the helpers shared by the network families (lib_http.c,
 * lib_redis.c, lib_db.c), declared in lib_net.h: masking a secret or a
 * URL's password out of a message, the milliseconds left before a
 * deadline and the optional timeout_ms argument. Kept in a file of their
 * own so that Redis and PostgreSQL do not depend on HTTP's file.
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "clock.h"
#include "lib_net.h"
#include "sandbox.h"

/* Copy src with every occurrence of secret replaced by "***". */
void pf_net_mask(char *dst, size_t dstlen, const char *src, const char *secret)
{
    size_t n = 0, slen = secret ? strlen(secret) : 0;

    if (dstlen == 0)
        return;
    while (*src != '\0' && n + 1 < dstlen) {
        if (slen > 0 && strncmp(src, secret, slen) == 0) {
            size_t k;
            for (k = 0; k < 3 && n + 1 < dstlen; k++)
                dst[n++] = '*';
            src += slen;
            continue;
        }
        dst[n++] = *src++;
    }
    dst[n] = '\0';
}

/* Copy a URL with the password of its userinfo replaced by "***". */
void pf_net_mask_url(char *dst, size_t dstlen, const char *url)
{
    const char *auth = strstr(url, "://"), *end, *at = NULL, *colon, *p;
    size_t n = 0;

    if (dstlen == 0)
        return;
    if (auth != NULL) {
        auth += 3;
        end = auth + strcspn(auth, "/?#");
        for (p = auth; p < end; p++) {
            if (*p == '@')
                at = p;
        }
    }
    if (at == NULL) {
        snprintf(dst, dstlen, "%s", url);
        return;
    }
    colon = memchr(auth, ':', (size_t)(at - auth));
    if (colon == NULL) {
        snprintf(dst, dstlen, "%s", url);
        return;
    }
    for (p = url; *p != '\0' && n + 1 < dstlen; p++) {
        if (p == colon + 1) {
            const char *m = "***";
            while (*m != '\0' && n + 1 < dstlen)
                dst[n++] = *m++;
            p = at - 1;
            continue;
        }
        dst[n++] = *p;
    }
    dst[n] = '\0';
}

/* Milliseconds left before deadline_ns, rounded up; 0 once passed. */
long pf_net_left_ms(uint64_t deadline_ns)
{
    uint64_t now = pf_now_ns();

    return now >= deadline_ns ? 0
                              : (long)((deadline_ns - now + 999999u) / 1000000u);
}

/* The optional timeout_ms argument, checked and clamped. */
long pf_net_timeout_arg(lua_State *L, int arg)
{
    lua_Integer t = luaL_optinteger(L, arg, 0);

    luaL_argcheck(L, lua_isnoneornil(L, arg) || (t > 0 && t <= 86400000), arg,
                  "timeout_ms must be a positive integer");
    return pf_sandbox_clamp_ms(L, (long)t);
}
