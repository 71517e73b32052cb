/* SPDX-License-Identifier: MIT */
#pragma once

/* systemd's command-line rules (systemd.service(5), "Command lines"), both
 * ways: splitting an extraOptions element into words as systemd would, and
 * writing a word back so that systemd reads exactly that word again. */

#include <stdbool.h>

#include "hsos/util.h"

/* Splits s into words: unquoted whitespace separates words; double and single
 * quotes group and are removed (also in the middle of a word); backslash
 * escapes are C escapes (\n, \t, \", \\, \xNN, \NNN, \uNNNN, \UNNNNNNNN, \s).
 * An unbalanced quote, a trailing or unknown escape, an escape that yields
 * NUL, or a control character gives -EINVAL and a message in *ret_error. */
int cmdline_split(const char *s, char ***ret, char **ret_error);

/* Appends word for an ExecStart= line. With force_quote, or when the word
 * holds anything but [A-Za-z0-9_./:=,@+-], it is written in double quotes
 * with C escapes. '%' is always written "%%" and '$' "$$", so no word can
 * become a specifier, a variable, a directive or a second command. Control
 * characters, and every byte that is not part of UTF-8 as systemd accepts it
 * (it ignores a line that is not "UTF-8 clean"), are written "\xNN";
 * other UTF-8 is written as itself. A word is always an argument: the
 * executable's prefixes (-@:+!) are read after unquoting, so no quoting can
 * keep them literal there. */
void cmdline_append_word(StrBuf *b, const char *word, bool force_quote);

/* Appends the executable, the first word: as cmdline_append_word, but '$'
 * as itself. systemd executes that word's path as written (after "%%"),
 * without expanding variables, so "$$" would stay "$$" in the path. */
void cmdline_append_executable(StrBuf *b, const char *path);
