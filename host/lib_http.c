/*
 * lib_http.c: preflight.http, one HTTP request per call.
 *
 * request{method, url, headers, body, timeout_ms, follow_redirects,
 * max_body_bytes} returns {status, headers, body, elapsed_ms} or nil, err.
 * The backend is chosen by C, never by the check: in "mock" mode (the
 * default) the answer comes from fixture files (fixtures.c) and no socket
 * is opened; in "real" mode libcurl performs the request with TLS
 * verification always on, http and https only, no redirects unless asked,
 * the timeout clamped to the check's remaining time and the response body
 * and headers capped.
 *
 * A call runs in three phases so that a Lua error can never leak C
 * memory: arguments are checked first (misuse raises, nothing is owned
 * yet), then the request runs with no Lua call that could raise, and the
 * result is pushed under lua_pcall (pf_sandbox_push_owned), the C buffers
 * freed either way.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <lauxlib.h>

#include "buf.h"
#include "fixtures.h"
#include "lib_net.h"
#include "redact.h"
#include "sandbox.h"
#include "version.h"

#define HTTP_MAX_URL PF_FIX_MAX_URL /* a longer URL could match no fixture */
#define HTTP_MAX_REQ_HEADERS 64
#define HTTP_MAX_REQ_HEADER_BYTES (16L << 10)
#define HTTP_MAX_REDIRS 5
#define HTTP_SHOWN_URL 600 /* URL bytes kept in a message */

/* ---- the request and the response --------------------------------------- */

typedef struct http_req {
    const char *method;
    const char *url;
    char shown[HTTP_SHOWN_URL + 8]; /* the URL for messages, password masked */
    const char *body;               /* NULL when none */
    size_t body_len;
    const char *hdrs; /* "Name: value\0" lines, on the stack */
    size_t hdrs_len;
    int expect;      /* the check set an Expect header */
    long timeout_ms; /* clamped */
    size_t max_body;
    int follow;
} http_req;

typedef struct http_resp {
    long status;
    char *body; /* malloc'd, at most max bytes */
    size_t len, cap, max;
    int over_body;
    pf_buf hdrs; /* "name\0value\0" pairs of the last response */
    size_t nhdrs;
    int over_headers;
    int oom;
    double elapsed_ms;
} http_resp;

/* Free an http_resp's buffers (void * to serve pf_sandbox_push_owned). */
static void resp_free(void *ud)
{
    http_resp *rs = ud;

    free(rs->body);
    rs->body = NULL;
    rs->len = rs->cap = 0;
    pf_buf_free(&rs->hdrs);
    rs->nhdrs = 0;
}

/* The message for a response whose headers passed the caps, from a
 * fixture or from the network. */
static void over_headers_error(char *err, size_t errlen, const http_req *rq)
{
    snprintf(err, errlen,
             "response headers over the limit (%d headers, %ld bytes): %s %s",
             PF_HTTP_MAX_HEADERS, PF_HTTP_MAX_HEADER_BYTES, rq->method,
             rq->shown);
}

/* Append one response header; name is lower-cased. Returns 0 or -1 when
 * a cap was passed (over_headers set) or memory ran out (oom set). */
static int resp_add_header(http_resp *rs, const char *name, size_t nlen,
                           const char *value, size_t vlen)
{
    size_t i;

    if (rs->nhdrs >= PF_HTTP_MAX_HEADERS ||
        rs->hdrs.len + nlen + vlen + 2 > (size_t)PF_HTTP_MAX_HEADER_BYTES) {
        rs->over_headers = 1;
        return -1;
    }
    for (i = 0; i < nlen; i++)
        pf_buf_addc(&rs->hdrs, (char)tolower((unsigned char)name[i]));
    pf_buf_addc(&rs->hdrs, '\0');
    pf_buf_add(&rs->hdrs, value, vlen);
    pf_buf_addc(&rs->hdrs, '\0');
    if (rs->hdrs.oom) {
        rs->oom = 1;
        return -1;
    }
    rs->nhdrs++;
    return 0;
}

/* Append body bytes within the cap. Returns 0, or -1 (over_body or oom). */
static int resp_add_body(http_resp *rs, const char *p, size_t n)
{
    if (n > rs->max - rs->len) {
        rs->over_body = 1;
        return -1;
    }
    if (rs->len + n > rs->cap) {
        size_t cap = rs->cap ? rs->cap : 16384;
        char *g;
        while (cap < rs->len + n)
            cap *= 2;
        if (cap > rs->max)
            cap = rs->max; /* never hold more than the cap */
        g = realloc(rs->body, cap ? cap : 1);
        if (g == NULL) {
            rs->oom = 1;
            return -1;
        }
        rs->body = g;
        rs->cap = cap;
    }
    memcpy(rs->body + rs->len, p, n);
    rs->len += n;
    return 0;
}

/*
 * Push {status, headers, body, elapsed_ms} from the http_resp given as a
 * light userdata. Runs under pf_sandbox_push_owned, which frees the
 * response whether or not memory runs out. Repeated header names are
 * joined with ", ".
 */
static int push_response(lua_State *L)
{
    http_resp *rs = lua_touserdata(L, 1);
    const char *p = rs->hdrs.data, *name, *value;
    size_t i;

    lua_createtable(L, 0, 4);
    lua_pushinteger(L, rs->status);
    lua_setfield(L, -2, "status");
    lua_createtable(L, 0, (int)rs->nhdrs);
    for (i = 0; i < rs->nhdrs; i++) {
        name = p;
        value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        lua_pushstring(L, name);
        if (lua_rawget(L, -2) == LUA_TSTRING) {
            lua_pushliteral(L, ", ");
            lua_pushstring(L, value);
            lua_concat(L, 3);
        } else {
            lua_pop(L, 1); /* drop nil */
            lua_pushstring(L, value);
        }
        lua_pushstring(L, name);
        lua_insert(L, -2); /* name below value */
        lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "headers");
    lua_pushlstring(L, rs->body ? rs->body : "", rs->len);
    lua_setfield(L, -2, "body");
    lua_pushnumber(L, rs->elapsed_ms);
    lua_setfield(L, -2, "elapsed_ms");
    return 1;
}

/* Sleep ms milliseconds, resuming after signals. */
static void sleep_ms(long ms)
{
    uint64_t until = pf_now_ns() + (uint64_t)ms * 1000000u;

    for (;;) {
        uint64_t now = pf_now_ns();
        struct timespec ts;
        if (now >= until)
            return;
        ts.tv_sec = (time_t)((until - now) / 1000000000u);
        ts.tv_nsec = (long)((until - now) % 1000000000u);
        nanosleep(&ts, NULL);
    }
}

/* ---- mock --------------------------------------------------------------- */

/*
 * Answer from the fixtures folder. Returns 0 with rs filled, or -1 with a
 * message in err. Never opens a socket.
 */
static int mock_request(const pf_sandbox_conf *conf, const http_req *rq,
                        http_resp *rs, char *err, size_t errlen)
{
    const char *dir =
        conf->fixtures_dir ? conf->fixtures_dir : "checks/fixtures";
    pf_fixture fx;
    char file[4400], why[600];
    uint64_t t0 = pf_now_ns();
    size_t i;
    int r, rc = -1;

    r = pf_fixture_find(dir, rq->method, rq->url, &fx, file, sizeof file, why,
                        sizeof why);
    if (r < 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    if (r == 0) {
        snprintf(err, errlen, "no fixture for %s %s", rq->method, rq->shown);
        return -1;
    }
    switch (fx.kind) {
    case PF_FIX_TIMEOUT:
        snprintf(err, errlen, "timeout after %ld ms: %s %s", rq->timeout_ms,
                 rq->method, rq->shown);
        goto cleanup;
    case PF_FIX_REFUSED:
        snprintf(err, errlen, "connection refused: %s %s", rq->method,
                 rq->shown);
        goto cleanup;
    case PF_FIX_RESPONSE: break;
    }
    if (fx.delay_ms > rq->timeout_ms) {
        sleep_ms(rq->timeout_ms);
        snprintf(err, errlen, "timeout after %ld ms: %s %s", rq->timeout_ms,
                 rq->method, rq->shown);
        goto cleanup;
    }
    sleep_ms(fx.delay_ms);
    r = pf_fixture_load_body(dir, &fx, rq->max_body, why, sizeof why);
    if (r == -1) {
        snprintf(err, errlen, "bad fixture %s: %s", file, why);
        goto cleanup;
    }
    if (r == -2 || fx.body_len > rq->max_body) {
        snprintf(err, errlen, "response body larger than %zu bytes: %s %s",
                 rq->max_body, rq->method, rq->shown);
        goto cleanup;
    }
    rs->status = fx.status;
    rs->body = fx.body;
    rs->len = rs->cap = fx.body_len;
    fx.body = NULL; /* rs owns it now */
    for (i = 0; i < fx.nheaders; i++)
        resp_add_header(rs, fx.headers[i].name, strlen(fx.headers[i].name),
                        fx.headers[i].value, strlen(fx.headers[i].value));
    if (rs->over_headers) { /* 64 values of 8 KiB pass the 64 KiB cap */
        over_headers_error(err, errlen, rq);
        goto cleanup;
    }
    if (rs->oom) {
        snprintf(err, errlen, "out of memory reading fixture %s", file);
        goto cleanup;
    }
    rs->elapsed_ms = (double)(pf_now_ns() - t0) / 1e6;
    rc = 0;
cleanup:
    pf_fixture_free(&fx);
    return rc;
}

/* ---- real (libcurl) ----------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    http_resp *rs = ud;

    if (resp_add_body(rs, p, n) != 0)
        return 0; /* abort the transfer */
    (void)size;   /* always 1 */
    return n;
}

/*
 * One header line ("Name: value\r\n", a status line, or the blank line
 * that ends a block). A status line starts a new response (redirect, 100
 * Continue), so only the last response's headers are kept.
 */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    http_resp *rs = ud;
    size_t nlen, v, vend;
    const char *colon;

    (void)size;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        pf_buf_free(&rs->hdrs);
        rs->nhdrs = 0;
        return n;
    }
    colon = memchr(p, ':', n);
    if (colon == NULL || colon == p || p[0] == ' ' || p[0] == '\t')
        return n; /* blank line, folded continuation: nothing to keep */
    nlen = (size_t)(colon - p);
    v = nlen + 1;
    while (v < n && (p[v] == ' ' || p[v] == '\t'))
        v++;
    vend = n;
    while (vend > v && (p[vend - 1] == '\r' || p[vend - 1] == '\n' ||
                        p[vend - 1] == ' ' || p[vend - 1] == '\t'))
        vend--;
    if (memchr(p + v, '\0', vend - v) != NULL || memchr(p, '\0', nlen) != NULL)
        return n; /* a NUL would cut the pair: skip the header */
    if (resp_add_header(rs, p, nlen, p + v, vend - v) != 0)
        return 0;
    return n;
}

/* Describe a failed transfer in err. */
static void curl_message(CURL *h, CURLcode rc, const char *errbuf,
                         const http_req *rq, const http_resp *rs, char *err,
                         size_t errlen)
{
    /* libcurl cuts its own message at CURL_ERROR_SIZE - 1 bytes, before
     * anything could mask it: a full buffer may end in a piece of a
     * secret (a long host name, say), so its generic text is used then */
    const char *why = errbuf[0] && strlen(errbuf) < CURL_ERROR_SIZE - 2
                          ? errbuf
                          : curl_easy_strerror(rc);
    long oserr = 0, code = 0;

    if (rs->over_body || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errlen, "response body larger than %zu bytes: %s %s",
                 rq->max_body, rq->method, rq->shown);
    } else if (rs->over_headers) {
        over_headers_error(err, errlen, rq);
    } else if (rc == CURLE_OUT_OF_MEMORY && !rs->oom &&
               (strstr(why, "header") != NULL ||
                (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) ==
                     CURLE_OK &&
                 code >= 100))) {
        /* libcurl refuses a header line over CURL_MAX_HTTP_HEADER (100
         * KB) with its out-of-memory code, after the status line was read */
        snprintf(err, errlen,
                 "response header too large (a header line over libcurl's "
                 "100 KB limit): %s %s",
                 rq->method, rq->shown);
    } else if (rs->oom || rc == CURLE_OUT_OF_MEMORY) {
        snprintf(err, errlen, "out of memory: %s %s", rq->method, rq->shown);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(err, errlen, "timeout after %ld ms: %s %s", rq->timeout_ms,
                 rq->method, rq->shown);
    } else if (rc == CURLE_COULDNT_CONNECT &&
               curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr) == CURLE_OK &&
               oserr == ECONNREFUSED) {
        snprintf(err, errlen, "connection refused: %s %s", rq->method,
                 rq->shown);
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION ||
               rc == CURLE_SSL_CACERT_BADFILE ||
               rc == CURLE_SSL_CONNECT_ERROR) {
        snprintf(err, errlen, "TLS failed (%s): %s %s", why, rq->method,
                 rq->shown);
    } else if (rc == CURLE_WEIRD_SERVER_REPLY ||
               (rc == CURLE_UNSUPPORTED_PROTOCOL &&
                strstr(why, "HTTP/0.9") != NULL)) {
        /* a reply without an HTTP/1.x status line is HTTP/0.9 to libcurl,
         * which refuses it with the code of a refused protocol */
        snprintf(err, errlen,
                 "the server's reply is not a valid HTTP response (no "
                 "HTTP/1.x status line, or HTTP/0.9; %s): %s %s",
                 why, rq->method, rq->shown);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        snprintf(err, errlen,
                 "refused a redirect or URL outside http and "
                 "https (%s): %s %s",
                 why, rq->method, rq->shown);
    } else {
        snprintf(err, errlen, "%s: %s %s", why, rq->method, rq->shown);
    }
}

/*
 * Perform the request with libcurl. Returns 0 with rs filled (any HTTP
 * status is a response, not an error), or -1 with a message in err.
 */
static int real_request(const http_req *rq, http_resp *rs, char *err,
                        size_t errlen)
{
    static int curl_ready;
    struct curl_slist *list = NULL, *g;
    char errbuf[CURL_ERROR_SIZE];
    const char *bad_opt = "";
    CURL *h = NULL;
    CURLcode rc;
    uint64_t t0;
    size_t off;
    int ret = -1;

    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "cannot initialise libcurl: %s %s",
                     rq->method, rq->shown);
            return -1;
        }
        curl_ready = 1;
    }
    h = curl_easy_init();
    if (h == NULL) {
        snprintf(err, errlen,
                 "cannot start an HTTP request (libcurl out of "
                 "memory): %s %s",
                 rq->method, rq->shown);
        return -1;
    }
    if (rq->body != NULL && !rq->expect) {
        if ((list = curl_slist_append(NULL, "Expect:")) == NULL)
            goto oom;
    }
    for (off = 0; off < rq->hdrs_len; off += strlen(rq->hdrs + off) + 1) {
        if ((g = curl_slist_append(list, rq->hdrs + off)) == NULL)
            goto oom;
        list = g;
    }
    errbuf[0] = '\0';
    /* every option is checked: a libcurl that refuses one of the safety
     * settings must not run the request without it */
#define SET(opt, val)                                                          \
    do {                                                                       \
        if (curl_easy_setopt(h, opt, val) != CURLE_OK) {                       \
            bad_opt = #opt;                                                    \
            goto setopt_failed;                                                \
        }                                                                      \
    } while (0)
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_URL, rq->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, rq->follow ? 1L : 0L);
    SET(CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRS);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_TIMEOUT_MS, rq->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, rq->timeout_ms);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)rq->max_body);
    SET(CURLOPT_USERAGENT, "preflight/" PF_VERSION);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, rs);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, rs);
    if (list != NULL)
        SET(CURLOPT_HTTPHEADER, list);
    if (strcmp(rq->method, "HEAD") == 0) {
        SET(CURLOPT_NOBODY, 1L);
    } else if (strcmp(rq->method, "GET") != 0 || rq->body != NULL) {
        SET(CURLOPT_CUSTOMREQUEST, rq->method);
        if (rq->body != NULL || strcmp(rq->method, "POST") == 0) {
            SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
            SET(CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
        }
    }
#undef SET
    t0 = pf_now_ns();
    rc = curl_easy_perform(h);
    rs->elapsed_ms = (double)(pf_now_ns() - t0) / 1e6;
    if (rc != CURLE_OK) {
        curl_message(h, rc, errbuf, rq, rs, err, errlen);
        goto cleanup;
    }
    if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status) != CURLE_OK ||
        rs->status < 100 || rs->status > 999) {
        snprintf(err, errlen, "no valid HTTP status in the response: %s %s",
                 rq->method, rq->shown);
        goto cleanup;
    }
    ret = 0;
    goto cleanup;
setopt_failed:
    snprintf(err, errlen, "libcurl refused %s; request not sent: %s %s",
             bad_opt, rq->method, rq->shown);
    goto cleanup;
oom:
    snprintf(err, errlen, "out of memory: %s %s", rq->method, rq->shown);
cleanup:
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
    return ret;
}

/* ---- arguments ---------------------------------------------------------- */

static const char *const known_fields[] = {
    "body",   "follow_redirects", "headers", "max_body_bytes",
    "method", "timeout_ms",       "url",     NULL};

static int is_token(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        if (!pf_http_token_char((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

/* Type of field name of the table at 1, pushed (raw read). */
static int field(lua_State *L, const char *name)
{
    lua_pushstring(L, name);
    return lua_rawget(L, 1);
}

/*
 * Check the headers table at index t and push a full userdata holding the
 * "Name: value\0" lines curl wants (Lua owns it; no C memory is held while
 * a misuse may still raise).
 */
static void check_headers(lua_State *L, int t, http_req *rq)
{
    size_t total = 0, off = 0;
    int n = 0;
    char *out;

    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        size_t nlen, vlen;
        const char *name, *value;
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_argerror(L, 1, "headers must map strings to strings");
        name = lua_tolstring(L, -2, &nlen);
        value = lua_tolstring(L, -1, &vlen);
        if (!is_token(name, nlen))
            luaL_argerror(L, 1, "a header name is not a valid HTTP token");
        if (strlen(value) != vlen || strpbrk(value, "\r\n") != NULL)
            luaL_argerror(L, 1, "a header value must be one line");
        if (++n > HTTP_MAX_REQ_HEADERS)
            luaL_argerror(L, 1, "at most 64 request headers");
        total += nlen + vlen + 3; /* ": " and NUL */
        if (total > (size_t)HTTP_MAX_REQ_HEADER_BYTES)
            luaL_argerror(L, 1, "request headers larger than 16 KiB");
        if (nlen == 6 && strncasecmp(name, "expect", 6) == 0)
            rq->expect = 1;
        lua_pop(L, 1); /* drop value, keep key */
    }
    out = lua_newuserdatauv(L, total ? total : 1, 0);
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        size_t nlen, vlen;
        const char *name = lua_tolstring(L, -2, &nlen);
        const char *value = lua_tolstring(L, -1, &vlen);
        memcpy(out + off, name, nlen);
        memcpy(out + off + nlen, ": ", 2);
        memcpy(out + off + nlen + 2, value, vlen);
        off += nlen + vlen + 2;
        out[off++] = '\0';
        lua_pop(L, 1); /* drop value, keep key */
    }
    rq->hdrs = out;
    rq->hdrs_len = total;
}

/* 1 when the key at the top is a string without an embedded NUL. */
static int ok_name(lua_State *L)
{
    return pf_tostring_nonul(L, -1, NULL) != NULL;
}

/*
 * Read and check the request table at index 1 into rq. Raises on misuse.
 * Pushes values that must stay alive (the header lines) on the stack.
 */
static void check_request(lua_State *L, http_req *rq)
{
    size_t len, i;
    lua_Integer v;
    int t;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        int ok = 0;
        lua_pop(L, 1); /* drop value */
        if (pf_tostring_nonul(L, -1, NULL) != NULL) { /* whole keys */
            for (i = 0; known_fields[i] != NULL; i++)
                ok |= strcmp(lua_tostring(L, -1), known_fields[i]) == 0;
        }
        if (!ok)
            luaL_argerror(
                L, 1,
                lua_type(L, -1) == LUA_TSTRING && !ok_name(L)
                    ? "a request field's name contains a NUL byte"
                : lua_type(L, -1) == LUA_TSTRING
                    ? lua_pushfstring(L,
                                      "unknown field '%s' (known: body, "
                                      "follow_redirects, headers, "
                                      "max_body_bytes, method, timeout_ms, "
                                      "url)",
                                      lua_tostring(L, -1))
                    : "request fields must be named by strings");
    }
    t = field(L, "url");
    if (t != LUA_TSTRING)
        luaL_argerror(L, 1, "url must be a string");
    rq->url = lua_tolstring(L, -1, &len);
    if (len > HTTP_MAX_URL)
        luaL_argerror(L, 1, "url is longer than 8192 bytes");
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rq->url[i];
        if (c <= 0x20 || c == 0x7F)
            luaL_argerror(L, 1,
                          "url must not contain spaces or control "
                          "characters");
    }
    if (strncasecmp(rq->url, "http://", 7) != 0 &&
        strncasecmp(rq->url, "https://", 8) != 0)
        luaL_argerror(L, 1, "url must start with http:// or https://");
    {
        /* the whole URL is masked (its password, then the run's secrets)
         * before it is cut for messages: a cut never leaves a piece of a
         * secret */
        char full[HTTP_MAX_URL + 8];
        pf_net_mask_url(full, sizeof full, rq->url);
        pf_redact_into(pf_sandbox_of(L)->redactor, rq->shown,
                       sizeof rq->shown, full);
    }
    lua_pop(L, 1); /* drop url (the table keeps it alive) */

    t = field(L, "method");
    if (t == LUA_TNIL)
        rq->method = "GET";
    else if (t != LUA_TSTRING || pf_tostring_nonul(L, -1, NULL) == NULL ||
             !pf_http_method_valid(lua_tostring(L, -1)))
        luaL_argerror(L, 1,
                      "method must be one of DELETE, GET, HEAD, "
                      "OPTIONS, PATCH, POST, PUT");
    else
        rq->method = lua_tostring(L, -1);
    lua_pop(L, 1); /* drop method */

    t = field(L, "body");
    if (t == LUA_TSTRING)
        rq->body = lua_tolstring(L, -1, &rq->body_len);
    else if (t != LUA_TNIL)
        luaL_argerror(L, 1, "body must be a string");
    lua_pop(L, 1); /* drop body */

    t = field(L, "timeout_ms");
    v = 0;
    if (t != LUA_TNIL && (!lua_isinteger(L, -1) ||
                          (v = lua_tointeger(L, -1)) <= 0 || v > 86400000))
        luaL_argerror(L, 1, "timeout_ms must be a positive integer");
    lua_pop(L, 1);            /* drop timeout_ms */
    rq->timeout_ms = (long)v; /* clamped once the arguments are all good */

    t = field(L, "max_body_bytes");
    rq->max_body = (size_t)PF_HTTP_BODY_DEFAULT;
    if (t != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0 ||
            lua_tointeger(L, -1) > PF_HTTP_BODY_MAX)
            luaL_argerror(L, 1,
                          "max_body_bytes must be an integer from 1 "
                          "to 16 MiB");
        rq->max_body = (size_t)lua_tointeger(L, -1);
    }
    lua_pop(L, 1); /* drop max_body_bytes */

    t = field(L, "follow_redirects");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        luaL_argerror(L, 1, "follow_redirects must be a boolean");
    rq->follow = lua_toboolean(L, -1);
    lua_pop(L, 1); /* drop follow_redirects */

    t = field(L, "headers");
    if (t == LUA_TTABLE)
        check_headers(L, lua_gettop(L), rq); /* leaves the header lines */
    else if (t != LUA_TNIL)
        luaL_argerror(L, 1, "headers must be a table");
}

/*
 * request(t) -> {status, headers, body, elapsed_ms} | nil, err.
 * Misuse raises; a failed request returns fail and a message.
 */
static int http_request(lua_State *L)
{
    const pf_sandbox_conf *conf = pf_sandbox_of(L)->conf;
    http_req rq;
    http_resp rs;
    char err[8192];
    int rc;

    memset(&rq, 0, sizeof rq);
    memset(&rs, 0, sizeof rs);
    pf_buf_init(&rs.hdrs);
    check_request(L, &rq);
    rq.timeout_ms = pf_sandbox_clamp_ms(L, rq.timeout_ms);
    rs.max = rq.max_body;
    if (conf->http_mode != NULL && strcmp(conf->http_mode, "real") == 0)
        rc = real_request(&rq, &rs, err, sizeof err);
    else
        rc = mock_request(conf, &rq, &rs, err, sizeof err);
    pf_sandbox_deadline_check(L);
    if (rc != 0) {
        resp_free(&rs);
        luaL_pushfail(L);
        lua_pushstring(L, err);
        return 2;
    }
    return pf_sandbox_push_owned(L, push_response, &rs, resp_free);
}

static const luaL_Reg http_funcs[] = {{"request", http_request}, {NULL, NULL}};

int pf_open_http(lua_State *L)
{
    luaL_newlib(L, http_funcs);
    return 1;
}
