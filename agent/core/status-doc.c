/* SPDX-License-Identifier: MIT */
/* A status document read back (from the controller, another node's): checked
 * before anything in it is believed. */
#include <errno.h>
#include <stdio.h>

#include <cJSON.h>

#include "hsos/json-doc.h"
#include "hsos/status.h"
#include "hsos/util.h"

static int problem(char **ret_problem, const char *what) {
        *ret_problem = strdup(what);
        return *ret_problem ? -EINVAL : -ENOMEM;
}

int status_document_parse(const char *data, size_t size, cJSON **ret, char **ret_problem) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *error = NULL;
        const cJSON *schema, *state;
        int r;

        if (size == 0)
                return problem(ret_problem, "empty, not a " STATUS_SCHEMA " document");
        if (size > STATUS_SIZE_MAX)
                return problem(ret_problem, "larger than a " STATUS_SCHEMA " document may be (1 MiB)");
        r = json_document_parse(data, size, SIZE_MAX, STATUS_DEPTH_MAX, &root, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return asprintf(ret_problem, "not JSON (%s)", error) < 0 ? -ENOMEM : -EINVAL;
        if (!cJSON_IsObject(root))
                return problem(ret_problem, "not a " STATUS_SCHEMA " document: not a JSON object");
        schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
        if (!cJSON_IsString(schema))
                return problem(ret_problem, "not a " STATUS_SCHEMA " document: no schema");
        if (!streq(schema->valuestring, STATUS_SCHEMA)) {
                _cleanup_free_ char *shown = strdup_printable(schema->valuestring, 40);

                if (!shown || asprintf(ret_problem, "not a " STATUS_SCHEMA " document: its schema is \"%s\"",
                                       shown) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        state = cJSON_GetObjectItemCaseSensitive(root, "state");
        if (!cJSON_IsString(state))
                return problem(ret_problem, "not a valid " STATUS_SCHEMA " document: no state");
        *ret = TAKE_PTR(root);
        return 0;
}
