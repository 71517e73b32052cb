/* SPDX-License-Identifier: MIT */
#pragma once

/* The subcommands and what they share. Exit codes follow design.md: 2 is a
 * usage error or a node.json that cannot be read or is invalid. */

#include <stdbool.h>
#include <stddef.h>

#include "hsos/config.h"

#define EXIT_USAGE 2

extern const char *program_name;

/* A usage error when arguments are left after the options (exit EXIT_USAGE). */
bool cli_extra_args(int argc, char **argv, const char *command);

/* Loads and validates node.json. Prints every problem to stderr. Returns 0,
 * -EINVAL for invalid content, or -errno when the file cannot be read. */
int cli_load_config(const char *path, Config **ret);

int cmd_validate(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_mount(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_fleet(int argc, char **argv);
