/* SPDX-License-Identifier: MIT */
/* Base64 (RFC 4648, standard alphabet, padded): etcd's keys and values, and
 * the keys of ssh authorized_keys lines. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/base64.h"

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_encode(const void *data, size_t size, char **ret) {
        const unsigned char *s = data;
        char *t, *p;

        if (size > (SIZE_MAX - 1) / 4 * 3 - 3)
                return -ENOMEM;
        t = p = malloc((size + 2) / 3 * 4 + 1);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < size; i += 3) {
                unsigned v = (unsigned) s[i] << 16;

                if (i + 1 < size)
                        v |= (unsigned) s[i + 1] << 8;
                if (i + 2 < size)
                        v |= s[i + 2];
                *p++ = b64_alphabet[(v >> 18) & 63];
                *p++ = b64_alphabet[(v >> 12) & 63];
                *p++ = i + 1 < size ? b64_alphabet[(v >> 6) & 63] : '=';
                *p++ = i + 2 < size ? b64_alphabet[v & 63] : '=';
        }
        *p = 0;
        *ret = t;
        return 0;
}

static int b64_value(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

int base64_decode(const char *text, size_t len, void **ret, size_t *ret_size) {
        unsigned char *d;
        size_t n = 0;

        if (len % 4 != 0)
                return -EINVAL;
        d = malloc(len / 4 * 3 + 1);
        if (!d)
                return -ENOMEM;
        for (size_t i = 0; i < len; i += 4) {
                bool last = i + 4 == len;
                int v[4];
                unsigned pad = 0;

                for (size_t k = 0; k < 4; k++) {
                        if (last && k >= 2 && text[i + k] == '=') {
                                v[k] = 0;
                                pad++;
                                continue;
                        }
                        v[k] = b64_value(text[i + k]);
                        if (v[k] < 0 || pad > 0)  /* "ab=c" */
                                goto fail;
                }
                /* The bits a padded group does not use must be zero, so each
                 * text decodes from exactly one encoding. */
                if ((pad == 2 && (v[1] & 15)) || (pad == 1 && (v[2] & 3)))
                        goto fail;
                d[n++] = (unsigned char) (v[0] << 2 | v[1] >> 4);
                if (pad < 2)
                        d[n++] = (unsigned char) ((v[1] & 15) << 4 | v[2] >> 2);
                if (pad < 1)
                        d[n++] = (unsigned char) ((v[2] & 3) << 6 | v[3]);
        }
        d[n] = 0;
        *ret = d;
        *ret_size = n;
        return 0;
fail:
        free(d);
        return -EINVAL;
}
