/*
 * sign.c: Ed25519 keys and signatures on libcrypto (see sign.h).
 */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define KEY_MAX_BYTES (16 * 1024)

struct pf_sign_key {
    EVP_PKEY *pk;
};

/*
 * Before the first libcrypto call: no atexit handler. libcrypto's own
 * OPENSSL_cleanup at exit only frees its tables (hundreds of them after
 * the first signature) just before the process ends, which was a tenth
 * of the cost `arm` adds to `run`; keys are freed (and zeroised by
 * libcrypto) by pf_sign_free as before. The configuration is loaded as
 * usual (workers forked later use it for TLS).
 */
static void crypto_once(void)
{
    static int done;

    if (!done) {
        OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
        done = 1;
    }
}

static int raw_public(EVP_PKEY *pk, unsigned char pub[32])
{
    size_t n = 32;

    return EVP_PKEY_get_raw_public_key(pk, pub, &n) == 1 && n == 32 ? 0 : -1;
}

/* Write all of data to fd. Returns 0 or -1 with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int pf_sign_keygen(const char *path, const char *passphrase,
                   unsigned char pub[32], char *err, size_t errlen)
{
    EVP_PKEY *pk = NULL;
    BIO *mem = NULL;
    char *pem;
    long len;
    int fd = -1, rc = -1, enc = passphrase != NULL && passphrase[0] != '\0';

    crypto_once();
    pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    mem = BIO_new(BIO_s_mem());
    if (pk == NULL || mem == NULL || raw_public(pk, pub) != 0 ||
        PEM_write_bio_PKCS8PrivateKey(mem, pk,
                                      enc ? EVP_aes_256_cbc() : NULL, NULL, 0,
                                      NULL, enc ? (void *)passphrase : NULL) !=
            1 ||
        (len = BIO_get_mem_data(mem, &pem)) <= 0) {
        snprintf(err, errlen, "could not make an Ed25519 key (libcrypto)");
        goto cleanup;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
                 errno == EEXIST ? " (keygen never overwrites a key)" : "");
        goto cleanup;
    }
    if (fchmod(fd, 0600) != 0 || write_all(fd, pem, (size_t)len) != 0 ||
        fsync(fd) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(path);
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(path);
        goto cleanup;
    }
    fd = -1;
    rc = 0;
cleanup:
    if (fd >= 0)
        close(fd);
    BIO_free(mem);
    EVP_PKEY_free(pk);
    return rc;
}

pf_sign_key *pf_sign_load(const char *path, const char *passphrase,
                          unsigned char pub[32], char *err, size_t errlen)
{
    char data[KEY_MAX_BYTES + 1];
    struct stat st;
    ssize_t r;
    size_t len = 0;
    BIO *mem = NULL;
    EVP_PKEY *pk = NULL;
    pf_sign_key *k = NULL;
    int fd;

    crypto_once();
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path,
                 errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto cleanup;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, errlen, "%s: mode %03o lets others read the key; "
                              "chmod 600 it", path,
                 (unsigned)(st.st_mode & 0777));
        goto cleanup;
    }
    while ((r = read(fd, data + len, sizeof data - 1 - len)) > 0)
        len += (size_t)r;
    if (r < 0 || len >= sizeof data - 1) {
        snprintf(err, errlen, "%s: %s", path,
                 r < 0 ? strerror(errno) : "larger than a key file");
        goto cleanup;
    }
    mem = BIO_new_mem_buf(data, (int)len);
    pk = mem ? PEM_read_bio_PrivateKey(mem, NULL, NULL,
                                       (void *)(passphrase ? passphrase : ""))
             : NULL;
    if (pk == NULL) {
        data[len] = '\0';
        snprintf(err, errlen, "%s: %s", path,
                 strstr(data, "-----BEGIN ENCRYPTED PRIVATE KEY-----")
                     ? "wrong or missing passphrase "
                       "(PREFLIGHT_KEY_PASSPHRASE)"
                     : "not a PEM private key");
        ERR_clear_error();
        goto cleanup;
    }
    if (EVP_PKEY_id(pk) != EVP_PKEY_ED25519 || raw_public(pk, pub) != 0) {
        snprintf(err, errlen, "%s: not an Ed25519 key", path);
        goto cleanup;
    }
    if ((k = malloc(sizeof *k)) == NULL) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    k->pk = pk;
    pk = NULL;
cleanup:
    OPENSSL_cleanse(data, sizeof data);
    BIO_free(mem);
    EVP_PKEY_free(pk);
    close(fd);
    return k;
}

void pf_sign_free(pf_sign_key *k)
{
    if (k == NULL)
        return;
    EVP_PKEY_free(k->pk);
    free(k);
}

int pf_sign(pf_sign_key *k, const unsigned char *msg, size_t len,
            unsigned char sig[64])
{
    EVP_MD_CTX *c;
    size_t n = 64;
    int ok;

    crypto_once();
    c = EVP_MD_CTX_new();
    ok = c != NULL && EVP_DigestSignInit(c, NULL, NULL, NULL, k->pk) == 1 &&
         EVP_DigestSign(c, sig, &n, msg, len) == 1 && n == 64;

    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

int pf_sign_verify(const unsigned char pub[32], const unsigned char *msg,
                   size_t len, const unsigned char sig[64])
{
    EVP_PKEY *pk;
    EVP_MD_CTX *c;
    int ok;

    crypto_once();
    pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    c = EVP_MD_CTX_new();
    ok = pk != NULL && c != NULL &&
         EVP_DigestVerifyInit(c, NULL, NULL, NULL, pk) == 1 &&
         EVP_DigestVerify(c, sig, 64, msg, len) == 1;

    EVP_MD_CTX_free(c);
    EVP_PKEY_free(pk);
    return ok;
}
