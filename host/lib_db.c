/*
 * lib_db.c: preflight.db, ping a PostgreSQL server with libpq.
 *
 * ping(conninfo_or_url [, timeout_ms]) connects with PQconnectStartParams
 * and PQconnectPoll under poll(), runs SELECT 1 the same way, and returns
 * true and the milliseconds it all took, or nil and libpq's message. One
 * deadline, the timeout clamped to the check's remaining time, bounds the
 * whole exchange; connect_timeout is also set (whole seconds, rounded up)
 * as a second fence. Host name lookup inside libpq cannot be interrupted:
 * the runner's kill at the check's deadline is the backstop for it. The
 * password never appears in a message.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <libpq-fe.h>

#include "lib_net.h"
#include "redact.h"
#include "sandbox.h"

#define DB_MAX_CONNINFO 4096
#define DB_MAX_PARAMS 64

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Copy msg into out on one line: newlines and tabs become spaces, runs of
 * spaces collapse, trailing space goes; then the whole line is masked
 * (secret, and the run's secrets r) and only then cut to outlen. */
static void one_line(char *out, size_t outlen, const char *msg,
                     const char *secret, const pf_redactor *r)
{
    size_t len = strlen(msg), n = 0, mlen;
    char *flat = malloc(len + 1), *masked;

    /* pf_net_mask writes "***" for each secret of one byte or more: at
     * most three times the input */
    mlen = 3 * len + 1;
    masked = malloc(mlen);
    if (flat == NULL || masked == NULL) {
        free(flat);
        free(masked);
        snprintf(out, outlen, "(PostgreSQL message withheld: out of memory)");
        return;
    }
    for (; *msg != '\0'; msg++) {
        char c = (*msg == '\n' || *msg == '\t' || *msg == '\r') ? ' ' : *msg;
        if (c == ' ' && (n == 0 || flat[n - 1] == ' '))
            continue;
        flat[n++] = c;
    }
    while (n > 0 && flat[n - 1] == ' ')
        n--;
    flat[n] = '\0';
    pf_net_mask(masked, mlen, flat, secret);
    pf_redact_into(r, out, outlen, masked);
    free(flat);
    free(masked);
}

/*
 * libpq words a reply it could not make sense of as "...failed: " and
 * whatever bytes it got ("@", or nothing). When the text after the last
 * "failed:" has fewer than two letters or digits, say so, with that text
 * shown byte by byte (\xHH for anything not printable ASCII).
 */
static void explain_garbled(char *err, size_t errlen)
{
    char *at = NULL, *p = err, tail[64 * 4 + 1];
    size_t alnum = 0, o = 0, i, n;

    while ((p = strstr(p, "failed:")) != NULL)
        at = p++;
    if (at == NULL)
        return;
    at += 7; /* the explanation goes here */
    p = at;
    while (*p == ' ')
        p++;
    n = strlen(p);
    for (i = 0; i < n; i++)
        alnum += (p[i] >= '0' && p[i] <= '9') ||
                 ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z');
    if (alnum >= 2)
        return;
    for (i = 0; i < n && i < 64; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            tail[o++] = (char)c;
        else
            o += (size_t)snprintf(tail + o, sizeof tail - o, "\\x%02X", c);
    }
    tail[o] = '\0';
    snprintf(at, errlen - (size_t)(at - err),
             " the server's reply was not a well-formed PostgreSQL message "
             "(libpq's text: \"%s\"%s)", tail, n > 64 ? "..." : "");
}

/*
 * The password a conninfo string or URL spells, best effort, for masking a
 * message when libpq could not parse the string: the value of password=
 * up to a space, or a URL's userinfo password.
 */
static void guess_password(const char *ci, char *out, size_t outlen)
{
    const char *p = strstr(ci, "password"), *at, *colon, *auth;
    size_t n;

    out[0] = '\0';
    if (p != NULL) {
        p += 8;
        while (*p == ' ')
            p++;
        if (*p == '=') {
            p++;
            while (*p == ' ')
                p++;
            if (*p == '\'')
                p++;
            n = strcspn(p, " '");
            snprintf(out, outlen, "%.*s", (int)n, p);
            return;
        }
    }
    auth = strstr(ci, "://");
    if (auth == NULL)
        return;
    auth += 3;
    at = strchr(auth, '@');
    if (at == NULL)
        return;
    colon = memchr(auth, ':', (size_t)(at - auth));
    if (colon != NULL)
        snprintf(out, outlen, "%.*s", (int)(at - colon - 1), colon + 1);
}

/* Wait until fd is ready for events or the deadline passes. Returns 1
 * ready, 0 deadline, -1 poll failed. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    struct pollfd pfd;

    if (fd < 0)
        return -1;
    for (;;) {
        long left = pf_net_left_ms(deadline);
        int r;
        if (left <= 0)
            return 0;
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

/* "host:port/db" of a started connection, for messages: masked with r
 * whole, then cut to outlen. */
static void describe(PGconn *c, char *out, size_t outlen,
                     const pf_redactor *r)
{
    const char *h = PQhost(c), *p = PQport(c), *d = PQdb(c);
    size_t need;
    char *full;

    h = h && *h ? h : "localhost";
    p = p && *p ? p : "5432";
    d = d ? d : "";
    need = strlen(h) + strlen(p) + strlen(d) + 3;
    full = malloc(need);
    if (full == NULL) {
        snprintf(out, outlen, "(server)");
        return;
    }
    snprintf(full, need, "%s:%s/%s", h, p, d);
    pf_redact_into(r, out, outlen, full);
    free(full);
}

/*
 * Connect with the parsed options and run SELECT 1 under the deadline.
 * Returns 0 with the latency in *ms, or -1 with a message in err.
 */
static int db_exchange(const char *const *kw, const char *const *val,
                       long timeout_ms, const char *secret,
                       const pf_redactor *red, double *ms, char *err,
                       size_t errlen)
{
    uint64_t t0 = pf_now_ns(), deadline = t0 + (uint64_t)timeout_ms * 1000000u;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    PGconn *c;
    PGresult *res = NULL;
    char where[400];
    int rc = -1, r;

    c = PQconnectStartParams(kw, val, 0);
    if (c == NULL) {
        snprintf(err, errlen,
                 "out of memory starting a PostgreSQL "
                 "connection");
        return -1;
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    describe(c, where, sizeof where, red);
    if (PQstatus(c) == CONNECTION_BAD)
        goto pqerr;
    while (st != PGRES_POLLING_OK) {
        if (st == PGRES_POLLING_FAILED)
            goto pqerr;
        r = wait_fd(PQsocket(c), st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                    deadline);
        if (r == 0)
            goto timeout;
        if (r < 0)
            goto pqerr;
        st = PQconnectPoll(c);
    }
    if (PQsetnonblocking(c, 1) != 0 || !PQsendQuery(c, "SELECT 1"))
        goto pqerr;
    while ((r = PQflush(c)) == 1) {
        if ((r = wait_fd(PQsocket(c), POLLOUT | POLLIN, deadline)) == 0)
            goto timeout;
        if (r < 0 || !PQconsumeInput(c))
            goto pqerr;
    }
    if (r < 0)
        goto pqerr;
    for (;;) {
        while (PQisBusy(c)) {
            if ((r = wait_fd(PQsocket(c), POLLIN, deadline)) == 0)
                goto timeout;
            if (r < 0 || !PQconsumeInput(c))
                goto pqerr;
        }
        res = PQgetResult(c);
        if (res == NULL)
            break;
        if (rc == 0) { /* a second result: drain it */
            PQclear(res);
            continue;
        }
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            one_line(err, errlen, PQresultErrorMessage(res), secret, red);
            explain_garbled(err, errlen);
            if (err[0] == '\0')
                snprintf(err, errlen, "SELECT 1 on postgres %s failed: %s",
                         where, PQresStatus(PQresultStatus(res)));
            PQclear(res);
            goto cleanup;
        }
        if (PQntuples(res) != 1 || PQnfields(res) != 1 ||
            strcmp(PQgetvalue(res, 0, 0), "1") != 0) {
            snprintf(err, errlen, "SELECT 1 on postgres %s did not return 1",
                     where);
            PQclear(res);
            goto cleanup;
        }
        PQclear(res);
        rc = 0;
        *ms = (double)(pf_now_ns() - t0) / 1e6;
    }
    if (rc != 0)
        snprintf(err, errlen, "SELECT 1 on postgres %s returned nothing",
                 where);
    goto cleanup;
timeout:
    snprintf(err, errlen, "timeout after %ld ms: postgres %s", timeout_ms,
             where);
    goto cleanup;
pqerr:
    one_line(err, errlen, PQerrorMessage(c), secret, red);
    explain_garbled(err, errlen);
    if (err[0] == '\0')
        snprintf(err, errlen, "cannot connect to postgres %s", where);
cleanup:
    PQfinish(c);
    return rc;
}

/* ping(conninfo_or_url [, timeout_ms]) -> true, latency_ms | nil, err */
static int db_ping(lua_State *L)
{
    size_t len;
    const char *ci = luaL_checklstring(L, 1, &len);
    long timeout_ms = pf_net_timeout_arg(L, 2), secs;
    PQconninfoOption *opts, *o;
    const char *kw[DB_MAX_PARAMS + 2], *val[DB_MAX_PARAMS + 2];
    char *perr = NULL, msg[1200], cto[24];
    /* the whole password (a conninfo holds at most 4096 bytes): masking
     * with a cut copy would leave its tail in a message */
    char secret[DB_MAX_CONNINFO + 1];
    const pf_redactor *red = pf_sandbox_of(L)->redactor;
    double ms = 0;
    int n = 0, have_cto = 0, rc;

    luaL_argcheck(L, len <= DB_MAX_CONNINFO && strlen(ci) == len, 1,
                  "connection string longer than 4096 bytes or with a NUL");
    opts = PQconninfoParse(ci, &perr);
    if (opts == NULL) {
        if (perr == NULL) {
            luaL_pushfail(L);
            lua_pushliteral(L, "out of memory parsing a PostgreSQL "
                               "connection string");
            return 2;
        }
        guess_password(ci, secret, sizeof secret);
        one_line(msg, sizeof msg, perr, secret, red);
        PQfreemem(perr);
        luaL_pushfail(L);
        lua_pushfstring(L, "bad PostgreSQL connection string: %s", msg);
        lua_pushliteral(L, "url"); /* the error's class: not the network */
        return 3;
    }
    secret[0] = '\0';
    secs = (timeout_ms + 999) / 1000;
    for (o = opts; o->keyword != NULL; o++) {
        if (o->val == NULL || n >= DB_MAX_PARAMS)
            continue;
        if (strcmp(o->keyword, "password") == 0)
            snprintf(secret, sizeof secret, "%s", o->val);
        if (strcmp(o->keyword, "connect_timeout") == 0) {
            long asked = atol(o->val);
            have_cto = 1;
            if (asked <= 0 || asked > secs) {
                snprintf(cto, sizeof cto, "%ld", secs);
                kw[n] = o->keyword;
                val[n++] = cto;
                continue;
            }
        }
        kw[n] = o->keyword;
        val[n++] = o->val;
    }
    if (!have_cto) {
        snprintf(cto, sizeof cto, "%ld", secs);
        kw[n] = "connect_timeout";
        val[n++] = cto;
    }
    kw[n] = NULL;
    val[n] = NULL;
    rc = db_exchange(kw, val, timeout_ms, secret, red, &ms, msg, sizeof msg);
    pf_sandbox_deadline_check(L);
    PQconninfoFree(opts);
    memset(secret, 0, sizeof secret);
    if (rc != 0) {
        luaL_pushfail(L);
        lua_pushstring(L, msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_pushnumber(L, ms);
    return 2;
}

static const luaL_Reg db_funcs[] = {{"ping", db_ping}, {NULL, NULL}};

int pf_open_db(lua_State *L)
{
    luaL_newlib(L, db_funcs);
    return 1;
}
