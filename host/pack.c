/*
 * pack.c: gather a pack's folder, root, library, policy, lock state and
 * approvers (see pack.h).
 */
#define _GNU_SOURCE
#include "pack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "killswitch.h"

void pf_pack_path(const pf_pack *p, const char *path, char *out,
                  size_t outlen)
{
    if (path[0] == '/')
        snprintf(out, outlen, "%s", path);
    else
        snprintf(out, outlen, "%s%s%s", p->root,
                 strcmp(p->root, "/") == 0 ? "" : "/", path);
}

int pf_project_root(const char *path, const char *root_opt,
                    char root[PATH_MAX], char dir[PATH_MAX], char *err,
                    size_t errlen)
{
    char folder[PATH_MAX], *slash;
    struct stat st;

    if (realpath(path, folder) == NULL || stat(folder, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) { /* a check file: its folder */
        slash = strrchr(folder, '/');
        if (slash == folder)
            slash[1] = '\0';
        else if (slash != NULL)
            *slash = '\0';
    }
    if (dir != NULL)
        snprintf(dir, PATH_MAX, "%s", folder);
    if (root_opt != NULL) {
        errno = 0;
        if (realpath(root_opt, root) == NULL || stat(root, &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--root %s: %s", root_opt,
                     errno ? strerror(errno) : "not a folder");
            return -1;
        }
        return 0;
    }
    snprintf(root, PATH_MAX, "%s", folder);
    slash = strrchr(root, '/');
    if (slash == root)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    return 0;
}

/* Read PATH/name: 0 and the text (caller frees), 1 when missing, -1 with
 * err set (not regular, a symlink, too large, unreadable). */
static int read_pack_file(const pf_pack *p, const char *name, size_t max,
                          char **text, size_t *len, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    int rc;

    snprintf(path, sizeof path, "%s/%s", p->dir, name);
    rc = pf_read_regular(path, O_NOFOLLOW, max, text, len, err, errlen);
    if (rc == -1 && errno == ENOENT)
        return 1;
    if (rc == -1 && errno == ELOOP)
        snprintf(err, errlen, "%s is a symbolic link", path);
    return rc == 0 ? 0 : -1;
}

static void load_lock(pf_pack *p, int need_files)
{
    char file[PATH_MAX + 32], err[PATH_MAX + 700];
    struct stat st;
    pf_lock want;
    int rc;

    memset(&want, 0, sizeof want);
    snprintf(file, sizeof file, "%s/%s", p->dir, PF_LOCK_FILE);
    if (!need_files && lstat(file, &st) != 0 && errno == ENOENT) {
        p->lock_state = PF_LOCKST_NONE; /* nothing to compare: not hashed */
        return;
    }
    if (pf_lock_collect(p->root, p->dir, p->lib[0] ? p->lib : NULL, &p->files,
                        err, sizeof err) != 0) {
        p->lock_state = PF_LOCKST_BAD;
        snprintf(p->lock_err, sizeof p->lock_err, "%s", err);
        return;
    }
    p->files_ok = 1;
    snprintf(file, sizeof file, "%s/%s", p->dir, PF_LOCK_FILE);
    rc = pf_lock_load(file, &want, p->digest, err, sizeof err);
    if (rc == 1) {
        p->lock_state = PF_LOCKST_NONE;
        return;
    }
    if (rc != 0) {
        p->lock_state = PF_LOCKST_BAD;
        snprintf(p->lock_err, sizeof p->lock_err, "%s", err);
        return;
    }
    p->ndiffs = pf_lock_diff(&want, &p->files, &p->diffs);
    p->lock_state = p->ndiffs == 0 ? PF_LOCKST_MATCH : PF_LOCKST_DIFF;
    pf_lock_free(&want);
}

static void load_approvers(pf_pack *p)
{
    char *text = NULL, err[PATH_MAX + 700];
    size_t len = 0;
    int rc = read_pack_file(p, "approvers", PF_APPROVERS_MAX_BYTES, &text,
                            &len, err, sizeof err);

    if (rc == 1) {
        p->approvers_state = 0;
        return;
    }
    if (rc == 0 &&
        pf_approvers_parse(text, len, &p->approvers, err, sizeof err) == 0) {
        p->approvers_state = 1;
    } else {
        p->approvers_state = -1;
        snprintf(p->approvers_err, sizeof p->approvers_err, "%s%s%.600s",
                 rc == 0 ? p->dir : "", rc == 0 ? "/approvers: " : "", err);
    }
    free(text);
}

int pf_pack_open(pf_pack *p, const char *path, const char *root_opt,
                 const char *lib_opt, char *err, size_t errlen)
{
    return pf_pack_open_for(p, path, root_opt, lib_opt, 1, err, errlen);
}

int pf_pack_open_for(pf_pack *p, const char *path, const char *root_opt,
                     const char *lib_opt, int need_files, char *err,
                     size_t errlen)
{
    char cand[PATH_MAX + 8], why[PATH_MAX + 700], *text = NULL;
    struct stat st;
    size_t len = 0;
    int rc;

    memset(p, 0, sizeof *p);
    pf_buf_init(&p->diffs);
    if (realpath(path, p->dir) == NULL || stat(p->dir, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a folder", path);
        return -1;
    }
    if (pf_project_root(path, root_opt, p->root, NULL, err, errlen) != 0)
        return -1;
    if (lib_opt != NULL) {
        if (realpath(lib_opt, p->lib) == NULL) {
            snprintf(err, errlen, "--lib %s: %s", lib_opt, strerror(errno));
            return -1;
        }
    } else {
        pf_pack_path(p, "lib", cand, sizeof cand);
        if (realpath(cand, p->lib) == NULL)
            p->lib[0] = '\0';
    }
    rc = read_pack_file(p, "policy", PF_POLICY_MAX_BYTES, &text, &len, why,
                        sizeof why);
    if (rc < 0) {
        snprintf(err, errlen, "policy: %s", why);
        return -1;
    }
    if (rc == 0) {
        p->has_policy = 1;
        if (pf_policy_parse(text, len, &p->policy, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s/policy: %s", p->dir, why);
            free(text);
            return -1;
        }
        free(text);
    }
    p->audit_set = p->policy.audit[0] != '\0';
    pf_policy_defaults(&p->policy);
    pf_pack_path(p, p->policy.kill_switch, p->kill_switch,
                 sizeof p->kill_switch);
    pf_pack_path(p, p->policy.audit, p->audit, sizeof p->audit);
    load_lock(p, need_files);
    load_approvers(p);
    return 0;
}

void pf_pack_free(pf_pack *p)
{
    if (p == NULL)
        return;
    pf_lock_free(&p->files);
    pf_buf_free(&p->diffs);
}
