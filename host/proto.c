/*
 * proto.c: encode and decode worker messages (see proto.h).
 */
#include "proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    T_ID = 1,
    T_TITLE,
    T_TAG,
    T_TIMEOUT,
    T_STATUS,
    T_REASON,
    T_MESSAGE,
    T_DETAIL,
    T_SHA256,
    T_DURATION,
    T_INDEX,
    T_MODULE, /* 64 hex digits, then the module's path (8.2) */
    T_GUARDF, /* guard_failures, one byte 1-5 (8.8) */
    T_LOG     /* one preflight.log message each, in order */
};

static void put_u32(unsigned char *o, uint32_t v)
{
    o[0] = (unsigned char)v;
    o[1] = (unsigned char)(v >> 8);
    o[2] = (unsigned char)(v >> 16);
    o[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *i)
{
    return (uint32_t)i[0] | (uint32_t)i[1] << 8 | (uint32_t)i[2] << 16 |
           (uint32_t)i[3] << 24;
}

void pf_job_pack(const pf_job *j, unsigned char out[16])
{
    put_u32(out, j->index);
    put_u32(out + 4, j->kind);
    put_u32(out + 8, (uint32_t)j->start_ns);
    put_u32(out + 12, (uint32_t)(j->start_ns >> 32));
}

void pf_job_unpack(const unsigned char in[16], pf_job *j)
{
    j->index = get_u32(in);
    j->kind = get_u32(in + 4);
    j->start_ns = (uint64_t)get_u32(in + 8) | (uint64_t)get_u32(in + 12) << 32;
}

/* Frame header with a placeholder length; returns its offset in b. */
static size_t frame_open(pf_buf *b, int type)
{
    unsigned char h[PF_PROTO_HEADER] = {'P', 'F', (unsigned char)type, 0};
    size_t at = b->len;

    pf_buf_add(b, h, sizeof h);
    return at;
}

static void frame_close(pf_buf *b, size_t at)
{
    if (!b->oom)
        put_u32((unsigned char *)b->data + at + 4,
                (uint32_t)(b->len - at - PF_PROTO_HEADER));
}

static void field(pf_buf *b, int tag, const void *p, size_t n)
{
    unsigned char h[5];

    h[0] = (unsigned char)tag;
    put_u32(h + 1, (uint32_t)n);
    pf_buf_add(b, h, sizeof h);
    pf_buf_add(b, p, n);
}

static void fieldz(pf_buf *b, int tag, const char *s)
{
    if (s != NULL)
        field(b, tag, s, strlen(s));
}

void pf_proto_start(pf_buf *b, uint32_t timeout_ms, const char *id)
{
    size_t at = frame_open(b, PF_FRAME_START), n = strlen(id);
    unsigned char v[4];

    put_u32(v, timeout_ms);
    pf_buf_add(b, v, 4);
    pf_buf_add(b, id, n > PF_MAX_ID ? PF_MAX_ID : n);
    frame_close(b, at);
}

void pf_proto_result(pf_buf *b, const pf_check *c)
{
    size_t at = frame_open(b, PF_FRAME_RESULT), i;
    unsigned char ch;
    char num[48];

    fieldz(b, T_ID, c->id);
    fieldz(b, T_TITLE, c->title);
    for (i = 0; i < c->ntags; i++)
        fieldz(b, T_TAG, c->tags[i]);
    snprintf(num, sizeof num, "%ld", c->timeout_ms);
    fieldz(b, T_TIMEOUT, num);
    if (c->guard_failures > 0) {
        ch = (unsigned char)c->guard_failures;
        field(b, T_GUARDF, &ch, 1);
    }
    ch = (unsigned char)c->status;
    field(b, T_STATUS, &ch, 1);
    ch = (unsigned char)c->reason;
    field(b, T_REASON, &ch, 1);
    fieldz(b, T_MESSAGE, c->message);
    for (i = 0; i < c->ndetails; i++) {
        pf_buf d;
        pf_buf_init(&d);
        pf_buf_adds(&d, c->details[i].key);
        pf_buf_addc(&d, '\0');
        pf_buf_addc(&d, (char)('0' + c->details[i].type));
        pf_buf_adds(&d, c->details[i].value);
        if (d.oom)
            b->oom = 1;
        else
            field(b, T_DETAIL, d.data, d.len);
        pf_buf_free(&d);
    }
    if (c->sha256[0])
        field(b, T_SHA256, c->sha256, 64);
    snprintf(num, sizeof num, "%.3f", c->duration_ms);
    fieldz(b, T_DURATION, num);
    if (c->has_job_index) {
        snprintf(num, sizeof num, "%u", (unsigned)c->job_index);
        fieldz(b, T_INDEX, num);
    }
    for (i = 0; i < c->nmodules; i++) {
        pf_buf m;
        pf_buf_init(&m);
        pf_buf_add(&m, c->modules[i].sha256, 64);
        pf_buf_adds(&m, c->modules[i].path);
        if (m.oom)
            b->oom = 1;
        else
            field(b, T_MODULE, m.data, m.len);
        pf_buf_free(&m);
    }
    for (i = 0; i < c->nlog; i++)
        fieldz(b, T_LOG, c->log[i]);
    frame_close(b, at);
}

long pf_proto_frame(const unsigned char *p, size_t n, int *type,
                    const unsigned char **payload, size_t *plen)
{
    uint32_t len;

    if (n >= 1 && p[0] != 'P')
        return -1;
    if (n >= 2 && p[1] != 'F')
        return -1;
    if (n >= 3 && p[2] != PF_FRAME_START && p[2] != PF_FRAME_RESULT)
        return -1;
    if (n >= 4 && p[3] != 0)
        return -1;
    if (n < PF_PROTO_HEADER)
        return 0;
    len = get_u32(p + 4);
    if (len > PF_PROTO_MAX_PAYLOAD)
        return -1;
    if (p[2] == PF_FRAME_START && (len < 4 || len > 4 + PF_MAX_ID))
        return -1;
    if (n - PF_PROTO_HEADER < len)
        return 0;
    *type = p[2];
    *payload = p + PF_PROTO_HEADER;
    *plen = len;
    return (long)(PF_PROTO_HEADER + len);
}

int pf_proto_decode_start(const unsigned char *p, size_t n, uint32_t *ms,
                          char id[PF_MAX_ID + 1])
{
    if (n < 4 || n > 4 + PF_MAX_ID)
        return -1;
    *ms = get_u32(p);
    memcpy(id, p + 4, n - 4);
    id[n - 4] = '\0';
    if (memchr(p + 4, '\0', n - 4) != NULL || !pf_id_valid(id))
        id[0] = '\0';
    return 0;
}

/* 1 when p starts with 64 lowercase hex digits. */
static int is_hex64(const unsigned char *p)
{
    for (size_t i = 0; i < 64; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    }
    return 1;
}

/* A copy of n bytes as a C string, refusing embedded NULs. */
static char *dup_text(const unsigned char *p, size_t n)
{
    char *s;

    if (memchr(p, '\0', n) != NULL)
        return NULL;
    s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Parse a non-negative decimal made only of digits and one optional point. */
static int parse_decimal(const unsigned char *p, size_t n, double *out,
                         int allow_point)
{
    char tmp[32];
    size_t i;
    int points = 0;

    if (n == 0 || n >= sizeof tmp)
        return -1;
    for (i = 0; i < n; i++) {
        if (p[i] == '.' && allow_point && i > 0 && i + 1 < n && !points)
            points++;
        else if (p[i] < '0' || p[i] > '9')
            return -1;
    }
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    *out = strtod(tmp, NULL);
    return 0;
}

#define BAD(...)                                                               \
    do {                                                                       \
        snprintf(err, errlen, __VA_ARGS__);                                    \
        goto fail;                                                             \
    } while (0)

int pf_proto_decode_result(const unsigned char *p, size_t n, pf_check *c,
                           char *err, size_t errlen)
{
    size_t off = 0;
    int seen_status = 0, seen_reason = 0, seen_timeout = 0, seen_dur = 0;
    size_t log_bytes = 0;
    double d;

    while (off < n) {
        int tag;
        uint32_t len;
        const unsigned char *v;

        if (n - off < 5)
            BAD("truncated field header");
        tag = p[off];
        len = get_u32(p + off + 1);
        off += 5;
        if (len > n - off)
            BAD("field %d longer than the message", tag);
        v = p + off;
        off += len;
        switch (tag) {
        case T_ID:
            if (c->id != NULL || len > PF_MAX_ID)
                BAD("bad id field");
            if ((c->id = dup_text(v, len)) == NULL || !pf_id_valid(c->id))
                BAD("malformed id");
            break;
        case T_TITLE:
            if (c->title != NULL || len > PF_MAX_TITLE * 4)
                BAD("bad title field");
            if ((c->title = dup_text(v, len)) == NULL)
                BAD("malformed title");
            break;
        case T_TAG:
            if (c->ntags >= PF_MAX_TAGS || len > 64)
                BAD("too many or too long tags");
            if ((c->tags[c->ntags] = dup_text(v, len)) == NULL)
                BAD("malformed tag");
            if (!pf_tag_valid(c->tags[c->ntags++]))
                BAD("malformed tag");
            break;
        case T_TIMEOUT:
            if (seen_timeout++ || parse_decimal(v, len, &d, 0) != 0 ||
                d > 86400000.0)
                BAD("bad timeout field");
            c->timeout_ms = (long)d;
            break;
        case T_GUARDF:
            if (c->guard_failures != 0 || len != 1 || v[0] < 1 || v[0] > 5)
                BAD("bad guard_failures field");
            c->guard_failures = v[0];
            break;
        case T_STATUS:
            if (seen_status++ || len != 1 || v[0] > PF_STATUS_NOT_SELECTED)
                BAD("bad status field");
            c->status = (pf_status)v[0];
            break;
        case T_REASON:
            /* PF_REASON_REQUIRED is the verdict's, never a worker's */
            if (seen_reason++ || len != 1 || v[0] > PF_REASON_RUNTIME)
                BAD("bad reason field");
            c->reason = (pf_reason)v[0];
            break;
        case T_MESSAGE:
            if (c->message != NULL || len > PF_MAX_MESSAGE + 64)
                BAD("bad message field");
            if ((c->message = dup_text(v, len)) == NULL)
                BAD("malformed message");
            break;
        case T_DETAIL: {
            const unsigned char *z = memchr(v, '\0', len);
            size_t klen, vlen;
            pf_detail *dt;
            if (c->ndetails >= PF_MAX_DETAILS || z == NULL)
                BAD("bad detail field");
            klen = (size_t)(z - v);
            if (klen == 0 || klen > PF_MAX_KEY || len - klen < 2)
                BAD("bad detail key");
            vlen = len - klen - 2;
            if (vlen > PF_MAX_VALUE || z[1] < '0' ||
                z[1] > '0' + PF_DETAIL_BOOLEAN)
                BAD("bad detail value");
            dt = &c->details[c->ndetails];
            dt->type = (pf_detail_type)(z[1] - '0');
            dt->key = dup_text(v, klen);
            dt->value = dup_text(z + 2, vlen);
            c->ndetails++;
            if (dt->key == NULL || dt->value == NULL ||
                !pf_detail_value_ok(dt->type, dt->value))
                BAD("malformed detail");
            break;
        }
        case T_SHA256: {
            size_t i;
            if (c->sha256[0] || len != 64)
                BAD("bad sha256 field");
            for (i = 0; i < 64; i++) {
                if (!((v[i] >= '0' && v[i] <= '9') ||
                      (v[i] >= 'a' && v[i] <= 'f')))
                    BAD("bad sha256 field");
            }
            memcpy(c->sha256, v, 64);
            c->sha256[64] = '\0';
            break;
        }
        case T_DURATION:
            if (seen_dur++ || parse_decimal(v, len, &d, 1) != 0)
                BAD("bad duration field");
            c->duration_ms = d;
            break;
        case T_INDEX:
            if (c->has_job_index || parse_decimal(v, len, &d, 0) != 0 ||
                d > 4294967295.0)
                BAD("bad index field");
            c->has_job_index = 1;
            c->job_index = (uint32_t)d;
            break;
        case T_MODULE: {
            char hex[65];
            if (len <= 64 || !is_hex64(v))
                BAD("bad module field");
            memcpy(hex, v, 64);
            if (pf_check_add_module(c, (const char *)v + 64, len - 64, hex)
                != 0)
                BAD("bad module field (too many, too long or a NUL byte)");
            break;
        }
        case T_LOG:
            /* the worker's caps, and room for its last "not kept" entry */
            log_bytes += len;
            if (c->nlog >= PF_MAX_LOG || len > PF_MAX_LOG_MESSAGE ||
                log_bytes > PF_MAX_LOG_BYTES + PF_MAX_LOG_MESSAGE)
                BAD("bad log field");
            if ((c->log[c->nlog] = dup_text(v, len)) == NULL)
                BAD("malformed log field");
            c->nlog++;
            break;
        default:
            BAD("unknown field %d", tag);
        }
    }
    if (!seen_status || !seen_reason)
        BAD("status missing");
    if (c->status == PF_STATUS_ERROR) {
        if (c->reason == PF_REASON_NONE)
            BAD("error without a reason");
    } else {
        if (c->reason != PF_REASON_NONE)
            BAD("reason given for a non-error");
        if (c->id == NULL || c->title == NULL)
            BAD("id or title missing");
    }
    if ((c->status == PF_STATUS_PASS || c->status == PF_STATUS_SKIP) &&
        c->message == NULL)
        BAD("pass or skip without a message");
    return 0;

fail:
    pf_check_clear(c);
    return -1;
}
