/*
 * evidence.c: build the evidence JSON document and write it atomically.
 *
 * Every string in it that came from a check has already been masked by the
 * runner; this file only encodes. Every check is listed, those left out
 * by --tag with status "not-selected".
 */
#include "evidence.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "version.h"

static void key(pf_buf *b, const char *k)
{
    pf_json_strz(b, k);
    pf_buf_addc(b, ':');
}

/* "k":"v", with v NULL written as null. */
static void str_member(pf_buf *b, const char *k, const char *v)
{
    key(b, k);
    pf_json_strz(b, v);
    pf_buf_addc(b, ',');
}

/* "k":[the n strings at v], */
static void strs_member(pf_buf *b, const char *k, char *const *v, size_t n)
{
    size_t i;

    key(b, k);
    pf_buf_addc(b, '[');
    for (i = 0; i < n; i++) {
        if (i)
            pf_buf_addc(b, ',');
        pf_json_strz(b, v[i]);
    }
    pf_buf_adds(b, "],");
}

static void check_json(pf_buf *b, const pf_check *c)
{
    size_t i, written = 0;
    const char *reason = pf_reason_name(c->reason);

    pf_buf_addc(b, '{');
    str_member(b, "id", c->id);
    str_member(b, "title", c->title);
    str_member(b, "file", c->file);
    str_member(b, "sha256", c->sha256[0] ? c->sha256 : NULL);
    strs_member(b, "tags", c->tags, c->ntags);
    str_member(b, "status", pf_status_name(c->status));
    str_member(b, "reason",
               c->status == PF_STATUS_ERROR || pf_check_required_skip(c)
                   ? reason
                   : NULL);
    str_member(b, "message", c->message ? c->message : "");
    key(b, "details");
    pf_buf_addc(b, '{');
    for (i = 0; i < c->ndetails; i++) {
        const pf_detail *d = &c->details[i];
        if (d->key == NULL)
            continue;
        if (written++)
            pf_buf_addc(b, ',');
        key(b, d->key);
        if (d->value == NULL || !pf_detail_value_ok(d->type, d->value) ||
            d->type == PF_DETAIL_STRING)
            pf_json_strz(b, d->value);
        else
            pf_buf_adds(b, d->value); /* validated JSON number or boolean */
    }
    pf_buf_adds(b, "},");
    strs_member(b, "log", c->log, c->nlog);
    key(b, "duration_ms");
    pf_json_num(b, (double)(int64_t)(c->duration_ms * 1000.0) / 1000.0);
    pf_buf_addc(b, '}');
}

/* "approvals":{"accepted":[...],"rejected":[...]} or null (8.5). */
static void approvals_json(pf_buf *b, const pf_approval_result *a)
{
    char t[40];

    key(b, "approvals");
    if (a == NULL) {
        pf_buf_adds(b, "null");
        return;
    }
    pf_buf_adds(b, "{\"accepted\":[");
    for (size_t i = 0; i < a->naccepted; i++) {
        pf_buf_adds(b, i ? ",{" : "{");
        str_member(b, "approver", a->accepted[i].approver);
        str_member(b, "key_id", a->accepted[i].kid);
        pf_rfc3339_ms(a->accepted[i].issued_at * 1000, t, sizeof t);
        str_member(b, "issued_at", t);
        key(b, "nonce");
        pf_json_strz(b, a->accepted[i].nonce);
        pf_buf_addc(b, '}');
    }
    pf_buf_adds(b, "],\"rejected\":[");
    for (size_t i = 0; i < a->nrejected; i++)
        pf_buf_addf(b, "%s{\"line\":%zu,\"why\":\"%s\"}", i ? "," : "",
                    a->rejected[i].line, a->rejected[i].why);
    pf_buf_adds(b, "]}");
}

/* "pack":{digest, locked, differences[], files[]} or null (8.2). */
static void pack_json(pf_buf *b, const pf_report *r)
{
    const char *d = r->pack_diffs;

    key(b, "pack");
    if (!r->has_pack) {
        pf_buf_adds(b, "null,");
        return;
    }
    pf_buf_addc(b, '{');
    str_member(b, "digest", r->pack_digest);
    key(b, "locked");
    pf_buf_adds(b, r->pack_locked ? "true," : "false,");
    key(b, "differences");
    pf_buf_addc(b, '[');
    for (int first = 1; d != NULL && *d != '\0'; first = 0) {
        const char *nl = strchr(d, '\n');
        size_t n = nl ? (size_t)(nl - d) : strlen(d);
        if (!first)
            pf_buf_addc(b, ',');
        pf_json_str(b, d, n);
        d += n + (nl != NULL);
    }
    pf_buf_adds(b, "],");
    key(b, "files");
    pf_buf_addc(b, '[');
    for (size_t i = 0; r->pack_files != NULL && i < r->pack_files->n; i++) {
        pf_buf_adds(b, i ? ",{" : "{");
        str_member(b, "path", r->pack_files->e[i].path);
        key(b, "sha256");
        pf_json_strz(b, r->pack_files->e[i].sha256);
        pf_buf_addc(b, '}');
    }
    pf_buf_adds(b, "]},");
}

/* "guard": null, or {interval_s, stop_grace_ms, checks[], stop} (8.8);
 * stop is null in the start document. */
static void guard_json(pf_buf *b, const pf_report *r)
{
    char t[40];

    key(b, "guard");
    if (!r->guarded) {
        pf_buf_adds(b, "null,");
        return;
    }
    pf_buf_addf(b, "{\"interval_s\":%ld,\"stop_grace_ms\":%ld,",
                r->guard_interval_s, r->stop_grace_ms);
    strs_member(b, "checks", r->guard_ids, r->nguard_ids);
    key(b, "stop");
    if (!r->stopped) {
        pf_buf_adds(b, "null},");
        return;
    }
    pf_buf_addc(b, '{');
    str_member(b, "by", r->stop_by);
    str_member(b, "reason", r->stop_reason);
    pf_rfc3339_ms(r->stop_ms, t, sizeof t);
    str_member(b, "at", t);
    key(b, "command_exit_code");
    if (r->command_exit >= 0)
        pf_buf_addf(b, "%d,", r->command_exit);
    else
        pf_buf_adds(b, "null,");
    key(b, "command_signal");
    if (r->command_signal > 0)
        pf_buf_addf(b, "%d,", r->command_signal);
    else
        pf_buf_adds(b, "null,");
    pf_buf_addf(b, "\"escalated\":%s,\"cycles\":%lu,"
                   "\"signals_forwarded\":%lu}},",
                r->stop_escalated ? "true" : "false", r->guard_cycles,
                r->signals_forwarded);
}

void pf_evidence_json(pf_buf *b, const pf_report *r)
{
    char t[40];
    size_t i;
    const pf_verdict *v = r->verdict;

    pf_buf_addc(b, '{');
    str_member(b, "schema", "preflight.evidence/1");
    key(b, "tool");
    pf_buf_adds(b, "{\"name\":\"" PF_NAME "\",\"version\":\"" PF_VERSION
                   "\"},");
    pf_rfc3339_ms(r->started_ms, t, sizeof t);
    str_member(b, "started_at", t);
    pf_rfc3339_ms(r->finished_ms, t, sizeof t);
    str_member(b, "finished_at", t);
    key(b, "duration_ms");
    pf_json_num(b, (double)(int64_t)(r->duration_ms * 1000.0) / 1000.0);
    pf_buf_addc(b, ',');
    str_member(b, "hostname", r->hostname ? r->hostname : "");
    str_member(b, "host_id", r->host_id ? r->host_id : "");
    str_member(b, "signed_key_id", r->signed_key_id);
    str_member(b, "mode", r->mode);
    str_member(b, "http", r->http);
    key(b, "arming");
    pf_buf_addc(b, '{');
    str_member(b, "state", r->arm_state);
    strs_member(b, "reasons", r->arm_reasons, r->narm_reasons);
    str_member(b, "max_notional_usd", r->max_notional_usd);
    str_member(b, "ceiling_usd", r->ceiling_usd);
    key(b, "arm_at");
    if (r->has_arm_at) {
        pf_rfc3339_ms(r->arm_at_ms, t, sizeof t);
        pf_json_strz(b, t);
    } else {
        pf_buf_adds(b, "null");
    }
    pf_buf_addc(b, ',');
    key(b, "arm_age_s");
    if (r->has_arm_at)
        pf_json_num(b, r->arm_age_s);
    else
        pf_buf_adds(b, "null");
    pf_buf_addc(b, ',');
    approvals_json(b, r->approvals);
    pf_buf_adds(b, "},");
    pack_json(b, r);
    key(b, "audit");
    if (r->audit_seq > 0)
        pf_buf_addf(b, "{\"seq\":%lld,\"line_sha256\":\"%s\"},",
                    (long long)r->audit_seq, r->audit_hash);
    else
        pf_buf_adds(b, "null,");
    str_member(b, "verdict", pf_verdict_name(v->kind));
    key(b, "started");
    pf_buf_adds(b, r->started ? "true," : "false,");
    key(b, "exit_code");
    if (r->stopped)
        pf_buf_addf(b, "%d,", r->stop_exit_code);
    else if (r->started)
        pf_buf_adds(b, "null,"); /* COMMAND's status is not known here */
    else
        pf_buf_addf(b, "%d,", v->exit_code);
    guard_json(b, r);
    key(b, "summary");
    pf_buf_addf(b, "{\"total\":%zu,\"passed\":%zu,\"failed\":%zu,"
                   "\"errored\":%zu,\"skipped\":%zu,\"not_selected\":%zu},",
                v->total, v->passed, v->failed, v->errored, v->skipped,
                v->not_selected);
    strs_member(b, "problems", v->problems, v->nproblems);
    key(b, "checks");
    pf_buf_addc(b, '[');
    for (i = 0; i < r->nchecks; i++) {
        if (i)
            pf_buf_addc(b, ',');
        check_json(b, &r->checks[i]);
    }
    pf_buf_adds(b, "]}\n");
}

int pf_evidence_write(const char *path, const pf_report *r, char *err,
                      size_t errlen)
{
    pf_buf b;

    pf_buf_init(&b);
    pf_evidence_json(&b, r);
    return pf_atomic_write_buf(path, &b, "out of memory building the evidence",
                               err, errlen);
}

int pf_evidence_create(const char *path, const pf_report *r, char *err,
                       size_t errlen)
{
    pf_buf b;
    int rc = -1, saved = 0;

    pf_buf_init(&b);
    pf_evidence_json(&b, r);
    if (b.oom)
        snprintf(err, errlen, "out of memory building the evidence");
    else
        rc = pf_atomic_create(path, b.data, b.len, 0644, err, errlen);
    saved = errno;
    pf_buf_free(&b);
    errno = saved; /* EEXIST tells the caller to pick another name */
    return rc;
}
