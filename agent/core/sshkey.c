/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/base64.h"
#include "hsos/sshkey.h"
#include "hsos/util.h"

static const char * const key_types[] = {
        "ssh-ed25519",
        "ssh-rsa",
        "ssh-dss",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
        "ssh-ed25519-cert-v01@openssh.com",
        "ssh-rsa-cert-v01@openssh.com",
        "ssh-dss-cert-v01@openssh.com",
        "ecdsa-sha2-nistp256-cert-v01@openssh.com",
        "ecdsa-sha2-nistp384-cert-v01@openssh.com",
        "ecdsa-sha2-nistp521-cert-v01@openssh.com",
        "sk-ssh-ed25519-cert-v01@openssh.com",
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
};

static bool is_key_type(const char *s, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(key_types); i++)
                if (strlen(key_types[i]) == n && strncmp(key_types[i], s, n) == 0)
                        return true;
        return false;
}

static int fail(char **ret_error, const char *msg) {
        *ret_error = strdup(msg);
        return *ret_error ? -EINVAL : -ENOMEM;
}

/* Length of the token at s: ends at unquoted whitespace. */
static size_t token_len(const char *s) {
        bool quoted = false;
        size_t i = 0;

        for (; s[i]; i++) {
                if (s[i] == '\\' && quoted && s[i + 1]) {
                        i++;
                        continue;
                }
                if (s[i] == '"')
                        quoted = !quoted;
                else if (!quoted && (s[i] == ' ' || s[i] == '\t'))
                        break;
        }
        return i;
}

int sshkey_check_authorized_line(const char *line, char **ret_error) {
        _cleanup_free_ uint8_t *blob = NULL;
        const char *p = line, *type;
        size_t n, type_len, blob_len;
        uint32_t inner;
        int r;

        for (const unsigned char *c = (const unsigned char *) line; *c; c++)
                if (*c < 0x20 && *c != '\t')
                        return fail(ret_error, "must be one line (it holds a control character)");

        p += strspn(p, " \t");
        if (!*p)
                return fail(ret_error, "is empty, not an OpenSSH public key");
        if (*p == '#')
                return fail(ret_error, "is a comment, not an OpenSSH public key");

        n = token_len(p);
        if (!is_key_type(p, n)) {
                /* authorized_keys options ("from=...,no-pty") come first. */
                p += n;
                p += strspn(p, " \t");
                n = token_len(p);
                if (!is_key_type(p, n))
                        return fail(ret_error, "is not an OpenSSH public key line (expected a key type such as "
                                               "ssh-ed25519 or sk-ssh-ed25519@openssh.com, then the key in base64)");
        }
        type = p;
        type_len = n;
        p += n;
        p += strspn(p, " \t");
        n = strcspn(p, " \t");
        if (n == 0)
                return fail(ret_error, "has a key type but no key");

        r = base64_decode(p, n, (void **) &blob, &blob_len);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail(ret_error, "has a key that is not valid base64");
        if (blob_len < 4)
                return fail(ret_error, "has a key too short to be an OpenSSH key");
        inner = (uint32_t) blob[0] << 24 | (uint32_t) blob[1] << 16 | (uint32_t) blob[2] << 8 | blob[3];
        if (inner != type_len || blob_len - 4 < inner || memcmp(blob + 4, type, type_len) != 0) {
                if (asprintf(ret_error, "has a key whose content does not match its type %.*s",
                             (int) type_len, type) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        return 0;
}
