/* SPDX-License-Identifier: MIT */
#pragma once

/* Checks that a line is an OpenSSH authorized_keys entry: optional options,
 * a key type OpenSSH knows, and a base64 blob that decodes and names that
 * same type. On failure returns -EINVAL and a message in *ret_error. */
int sshkey_check_authorized_line(const char *line, char **ret_error);
