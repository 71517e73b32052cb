/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* Base64, RFC 4648, standard alphabet, padded. */

/* Encodes size bytes; the text is NUL-terminated. */
int base64_encode(const void *data, size_t size, char **ret);
/* Strict: only the alphabet, length a multiple of 4, padding only at the end,
 * unused bits zero; anything else is -EINVAL. The result is NUL-terminated
 * (not counted in *ret_size) and may itself contain NUL bytes. */
int base64_decode(const char *text, size_t len, void **ret, size_t *ret_size);
