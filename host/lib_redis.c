/*
 * lib_redis.c: preflight.redis, PING a Redis server with hiredis.
 *
 * ping(url [, timeout_ms]) connects (TCP or a unix socket), sends AUTH
 * when the URL has a password (AUTH user pass when it also names a user),
 * SELECT when it names a database, then PING, and returns true and the
 * milliseconds the whole exchange took, or nil and a message. One deadline,
 * the timeout clamped to the check's remaining time, bounds the connect
 * and every command. The password never appears in a message: the URL is
 * shown masked and any copy of the password in a server or library
 * message is replaced by "***".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>
#include <lauxlib.h>

#include "buf.h"
#include "lib_net.h"
#include "redact.h"
#include "sandbox.h"

#define REDIS_MAX_URL 2048
#define REDIS_DEFAULT_PORT 6379

/* A parsed Redis URL; every string is a NUL-terminated copy. */
typedef struct redis_url {
    int is_unix;
    char host[256]; /* TCP host, brackets of an IPv6 literal removed */
    int port;
    char path[1024]; /* unix socket path */
    char user[256];
    char pass[512];                /* empty when no password */
    long db;                       /* -1 when not given */
    char shown[REDIS_MAX_URL + 8]; /* the URL with its password masked */
    const pf_redactor *red;        /* the run's secrets, may be NULL */
} redis_url;

/* Percent-decode the n bytes at s into out (outlen). Returns 0 or -1 (bad
 * escape, NUL, or too long). */
static int pct_decode(const char *s, size_t n, char *out, size_t outlen)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return -1;
            hi = pf_hexval(s[i + 1]);
            lo = pf_hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (o + 1 >= outlen)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* Parse decimal digits s[0..n) as a number in [lo, hi]. Returns it or -1. */
static long parse_num(const char *s, size_t n, long lo, long hi)
{
    long v = 0;
    size_t i;

    if (n == 0 || n > 9)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v < lo || v > hi ? -1 : v;
}

/*
 * Parse redis://[[user]:password@]host[:port][/db] or
 * unix://[[user]:password@]/path[?db=N]. Returns NULL, or a message
 * naming what is wrong (never the password).
 */
static const char *parse_url(const char *url, redis_url *u)
{
    const char *p, *at, *rest, *colon;
    size_t n;

    memset(u, 0, sizeof *u);
    u->db = -1;
    u->port = REDIS_DEFAULT_PORT;
    if (strlen(url) > REDIS_MAX_URL)
        return "URL longer than 2048 bytes";
    for (p = url; *p != '\0'; p++) {
        if ((unsigned char)*p <= 0x20 || *p == 0x7F)
            return "URL contains spaces or control characters";
    }
    if (strncmp(url, "redis://", 8) == 0) {
        p = url + 8;
    } else if (strncmp(url, "unix://", 7) == 0) {
        p = url + 7;
        u->is_unix = 1;
    } else if (strncmp(url, "rediss://", 9) == 0) {
        return "rediss:// (TLS) is not supported; use redis:// or unix://";
    } else {
        return "URL must start with redis:// or unix://";
    }
    /* userinfo: up to the last '@' before the path */
    rest = p + strcspn(p, u->is_unix ? "/" : "/?#");
    at = NULL;
    for (const char *q = p; q < rest; q++) {
        if (*q == '@')
            at = q;
    }
    if (at != NULL) {
        colon = memchr(p, ':', (size_t)(at - p));
        if (colon == NULL) {
            if (pct_decode(p, (size_t)(at - p), u->user, sizeof u->user) != 0)
                return "bad user name in the URL";
        } else {
            if (pct_decode(p, (size_t)(colon - p), u->user, sizeof u->user) !=
                    0 ||
                pct_decode(colon + 1, (size_t)(at - colon - 1), u->pass,
                           sizeof u->pass) != 0)
                return "bad user name or password in the URL (percent-encode "
                       "special characters)";
        }
        p = at + 1;
    }
    pf_net_mask_url(u->shown, sizeof u->shown, url);
    if (u->is_unix) {
        const char *q = strchr(p, '?');
        n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0 || p[0] != '/')
            return "unix:// URL needs an absolute socket path "
                   "(unix:///run/redis.sock)";
        if (n >= sizeof u->path)
            return "socket path too long";
        memcpy(u->path, p, n);
        u->path[n] = '\0';
        if (q != NULL) {
            if (strncmp(q, "?db=", 4) != 0 ||
                (u->db = parse_num(q + 4, strlen(q + 4), 0, 1000000)) < 0)
                return "the only query a unix:// URL takes is ?db=N";
        }
        return NULL;
    }
    /* host[:port] */
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (close == NULL || (size_t)(close - p - 1) >= sizeof u->host ||
            close == p + 1)
            return "bad IPv6 host in the URL";
        memcpy(u->host, p + 1, (size_t)(close - p - 1));
        p = close + 1;
    } else {
        n = strcspn(p, ":/?#");
        if (n == 0)
            return "no host in the URL";
        if (n >= sizeof u->host)
            return "host name too long";
        memcpy(u->host, p, n);
        p += n;
    }
    if (*p == ':') {
        n = strcspn(p + 1, "/?#");
        if ((u->port = (int)parse_num(p + 1, n, 1, 65535)) < 0)
            return "port must be a number from 1 to 65535";
        p += 1 + n;
    }
    if (*p == '/') {
        n = strlen(p + 1);
        if (n > 0 && (u->db = parse_num(p + 1, n, 0, 1000000)) < 0)
            return "the path of a redis:// URL is a database number (/0)";
        p += 1 + n;
    }
    if (*p != '\0')
        return "unexpected text after the host, port and database";
    return NULL;
}

static struct timeval tv_of(long ms)
{
    struct timeval tv;

    if (ms < 1)
        ms = 1;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

/* 1 when the context's I/O error is a timeout (or the time is gone). */
static int is_timeout(const redisContext *c, uint64_t deadline)
{
    if (c->err != REDIS_ERR_IO)
        return 0;
    return pf_now_ns() >= deadline ||
           strcmp(c->errstr, strerror(EAGAIN)) == 0 ||
           strcmp(c->errstr, strerror(ETIMEDOUT)) == 0 ||
           strcmp(c->errstr, strerror(EINPROGRESS)) == 0;
}

/* The most a reply may take on the wire. The replies read here (+PONG,
 * +OK, an error line) are a few bytes: a peer that sends more, or
 * announces a longer bulk string or array, is refused before hiredis
 * buffers it (hiredis 0.14 has no limit of its own, and its buffers are
 * outside the Lua memory cap). */
#define REDIS_MAX_REPLY (64 * 1024)

/* 1 when the unread reply in the reader announces a bulk string or an
 * array longer than REDIS_MAX_REPLY ("$2000000000\r\n"). */
static int announces_too_much(const redisReader *rd)
{
    const char *p = rd->buf ? rd->buf + rd->pos : NULL;
    size_t n = rd->buf ? rd->len - rd->pos : 0, i;
    unsigned long long v = 0;

    if (n < 2 || (p[0] != '$' && p[0] != '*'))
        return 0;
    for (i = 1; i < n && i < 24 && p[i] >= '0' && p[i] <= '9'; i++)
        v = v * 10 + (unsigned long long)(p[i] - '0');
    return i >= 24 || v > REDIS_MAX_REPLY;
}

/*
 * redisCommandArgv with a cap on the reply: send, then read until a whole
 * reply is parsed, at most REDIS_MAX_REPLY bytes and never past the
 * deadline. Returns the reply, or NULL with c->err set (I/O, protocol)
 * or *too_big set.
 */
static redisReply *capped_command(redisContext *c, int argc,
                                  const char **argv, const size_t *lens,
                                  uint64_t deadline, int *too_big)
{
    void *reply = NULL;
    size_t got = 0;
    int done = 0;

    *too_big = 0;
    if (redisAppendCommandArgv(c, argc, argv, lens) != REDIS_OK)
        return NULL;
    do {
        if (redisBufferWrite(c, &done) != REDIS_OK)
            return NULL;
    } while (!done);
    for (;;) {
        size_t before;
        if (redisReaderGetReply(c->reader, &reply) != REDIS_OK) {
            c->err = c->reader->err;
            snprintf(c->errstr, sizeof c->errstr, "%s", c->reader->errstr);
            return NULL;
        }
        if (reply != NULL)
            return reply;
        if (announces_too_much(c->reader) || got > REDIS_MAX_REPLY) {
            *too_big = 1;
            return NULL;
        }
        if (pf_now_ns() >= deadline) { /* a peer that drips bytes */
            c->err = REDIS_ERR_IO;
            snprintf(c->errstr, sizeof c->errstr, "%s", strerror(ETIMEDOUT));
            return NULL;
        }
        before = c->reader->len;
        if (redisBufferRead(c) != REDIS_OK)
            return NULL;
        got += c->reader->len - before; /* bytes this read added */
    }
}

/*
 * A server reply (len bytes, NULs shown as '?') for a message: masked
 * whole (the password, then the run's secrets) and only then cut to at
 * most max bytes, into out (max + 1 bytes).
 */
static void reply_text(char *out, size_t max, const char *str, size_t len,
                       const redis_url *u)
{
    char *flat = malloc(len + 1), *masked = malloc(3 * len + 1);
    size_t i;

    if (flat == NULL || masked == NULL) {
        snprintf(out, max + 1, "(withheld: out of memory)");
    } else {
        for (i = 0; i < len; i++)
            flat[i] = str[i] ? str[i] : '?';
        flat[len] = '\0';
        pf_net_mask(masked, 3 * len + 1, flat, u->pass);
        pf_redact_into(u->red, out, max + 1, masked);
    }
    free(flat);
    free(masked);
}

/*
 * Send one command under the deadline. Returns the reply (the caller frees
 * it), or NULL with a message in err.
 */
static redisReply *command(redisContext *c, const redis_url *u, int argc,
                           const char **argv, uint64_t deadline,
                           long timeout_ms, char *err, size_t errlen)
{
    size_t lens[3];
    int i, too_big;
    redisReply *r;
    long left = pf_net_left_ms(deadline);

    if (left <= 0) {
        snprintf(err, errlen, "timeout after %ld ms: redis %s", timeout_ms,
                 u->shown);
        return NULL;
    }
    for (i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    if (redisSetTimeout(c, tv_of(left)) != REDIS_OK) {
        snprintf(err, errlen, "cannot set a timeout on redis %s: %s", u->shown,
                 c->errstr);
        return NULL;
    }
    r = capped_command(c, argc, argv, lens, deadline, &too_big);
    if (r == NULL) {
        if (too_big)
            snprintf(err, errlen, "redis peer %s sent a reply larger than "
                                  "64 KiB to %s (refused)", u->shown, argv[0]);
        else if (is_timeout(c, deadline))
            snprintf(err, errlen, "timeout after %ld ms: redis %s", timeout_ms,
                     u->shown);
        else
            snprintf(err, errlen, "%s failed on redis %s: %s", argv[0],
                     u->shown, c->err ? c->errstr : "no reply");
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        char said[301];
        reply_text(said, 300, r->str ? r->str : "", r->str ? r->len : 0, u);
        snprintf(err, errlen, "%s refused by redis %s: %s", argv[0], u->shown,
                 said);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

/*
 * Connect, AUTH, SELECT and PING. Returns 0 with the latency in *ms, or -1
 * with a message in err.
 */
static int redis_exchange(const redis_url *u, long timeout_ms, double *ms,
                          char *err, size_t errlen)
{
    uint64_t t0 = pf_now_ns(), deadline = t0 + (uint64_t)timeout_ms * 1000000u;
    redisContext *c;
    redisReply *r;
    char dbtext[24];
    const char *argv[3];
    int rc = -1;

    if (u->is_unix)
        c = redisConnectUnixWithTimeout(u->path, tv_of(timeout_ms));
    else
        c = redisConnectWithTimeout(u->host, u->port, tv_of(timeout_ms));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory connecting to redis %s", u->shown);
        return -1;
    }
    if (c->err) {
        if (is_timeout(c, deadline))
            snprintf(err, errlen, "timeout after %ld ms: redis %s", timeout_ms,
                     u->shown);
        else
            snprintf(err, errlen, "cannot connect to redis %s: %s", u->shown,
                     c->errstr);
        goto cleanup;
    }
    if (u->pass[0] != '\0') {
        int argc = 0;
        argv[argc++] = "AUTH";
        if (u->user[0] != '\0')
            argv[argc++] = u->user;
        argv[argc++] = u->pass;
        if ((r = command(c, u, argc, argv, deadline, timeout_ms, err,
                         errlen)) == NULL)
            goto cleanup;
        freeReplyObject(r);
    }
    if (u->db >= 0) {
        snprintf(dbtext, sizeof dbtext, "%ld", u->db);
        argv[0] = "SELECT";
        argv[1] = dbtext;
        if ((r = command(c, u, 2, argv, deadline, timeout_ms, err, errlen)) ==
            NULL)
            goto cleanup;
        freeReplyObject(r);
    }
    argv[0] = "PING";
    if ((r = command(c, u, 1, argv, deadline, timeout_ms, err, errlen)) == NULL)
        goto cleanup;
    if (r->type != REDIS_REPLY_STATUS || r->str == NULL ||
        strcasecmp(r->str, "PONG") != 0) {
        char said[101] = "";
        if ((r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_STRING) &&
            r->str != NULL)
            reply_text(said, 100, r->str, r->len, u);
        snprintf(err, errlen, "PING on redis %s: expected PONG, got %s%s",
                 u->shown,
                 r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_STRING
                     ? ""
                     : "a reply of another type",
                 said);
        freeReplyObject(r);
        goto cleanup;
    }
    freeReplyObject(r);
    *ms = (double)(pf_now_ns() - t0) / 1e6;
    rc = 0;
cleanup:
    redisFree(c);
    return rc;
}

/* ping(url [, timeout_ms]) -> true, latency_ms | nil, err [, "url"]
 * (the third value marks a URL that could not be used at all) */
static int redis_ping(lua_State *L)
{
    const char *url = pf_checklstring_nonul(L, 1, NULL);
    long timeout_ms = pf_net_timeout_arg(L, 2);
    redis_url u;
    const char *bad;
    char err[4096], masked[4200];
    double ms = 0;
    int rc;

    bad = parse_url(url, &u);
    if (bad != NULL) {
        memset(&u, 0, sizeof u);
        luaL_pushfail(L);
        lua_pushfstring(L, "redis URL: %s", bad);
        lua_pushliteral(L, "url"); /* the error's class: not the network */
        return 3;
    }
    u.red = pf_sandbox_of(L)->redactor;
    rc = redis_exchange(&u, timeout_ms, &ms, err, sizeof err);
    pf_sandbox_deadline_check(L);
    if (rc != 0) {
        pf_net_mask(masked, sizeof masked, err, u.pass);
        memset(&u, 0, sizeof u); /* no password left on the C stack */
        luaL_pushfail(L);
        lua_pushstring(L, masked);
        return 2;
    }
    memset(&u, 0, sizeof u);
    lua_pushboolean(L, 1);
    lua_pushnumber(L, ms);
    return 2;
}

static const luaL_Reg redis_funcs[] = {{"ping", redis_ping}, {NULL, NULL}};

int pf_open_redis(lua_State *L)
{
    luaL_newlib(L, redis_funcs);
    return 1;
}
