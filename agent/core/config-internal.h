/* SPDX-License-Identifier: MIT */
#pragma once

/* Shared by the files that read and check node.json. */

#include <stdbool.h>

#include <cJSON.h>

#include "hsos/config.h"

typedef struct Parser {
        char **errors;  /* "path: message" */
        int r;          /* sticky -ENOMEM */
} Parser;

void parser_error(Parser *p, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "path: msg, got <value as JSON>" */
void parser_describe_error(Parser *p, const char *path, const char *value, const char *msg);
char *parser_child(Parser *p, const char *path, const char *key);
char *parser_index(Parser *p, const char *path, size_t i);

bool parser_object(Parser *p, const cJSON *v, const char *path, const char * const *known);
bool parser_bool(Parser *p, const cJSON *obj, const char *path, const char *key, bool def);
unsigned parser_uint(Parser *p, const cJSON *obj, const char *path, const char *key, unsigned def,
                     unsigned min, unsigned max);
char *parser_string(Parser *p, const cJSON *obj, const char *path, const char *key, const char *def);
bool parser_strv(Parser *p, const cJSON *obj, const char *path, const char *key, char ***ret);
bool parser_check_path(Parser *p, const char *path, const char *value);
char *parser_path(Parser *p, const cJSON *obj, const char *path, const char *key, const char *def,
                  bool allow_empty);
bool parser_endpoint(Parser *p, const cJSON *obj, const char *path, const char *key, const char *def,
                     bool need_port, Endpoint *ret);

bool unit_name_is_valid(const char *s);

/* The rules that span several keys: mount points, ports, ssv-node. */
void config_check_rules(Parser *p, Config *c);
