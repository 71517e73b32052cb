/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "hsos/config.h"
#include "hsos/util.h"

void endpoint_done(Endpoint *e) {
        free(e->url);
        free(e->host);
        *e = (Endpoint) {};
}

static int fail(char **ret_error, const char *msg) {
        *ret_error = strdup(msg);
        return *ret_error ? -EINVAL : -ENOMEM;
}

static bool host_char_ok(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_';
}

int endpoint_parse(const char *url, bool need_port, Endpoint *ret, char **ret_error) {
        _cleanup_free_ char *host = NULL;
        const char *p, *h, *hend, *rest;
        unsigned long port = 0;
        bool https;
        int family = AF_UNSPEC;

        for (const unsigned char *c = (const unsigned char *) url; *c; c++)
                if (*c <= ' ' || *c == 0x7f)
                        return fail(ret_error, "must not contain whitespace or control characters");

        if ((p = startswith(url, "http://")))
                https = false;
        else if ((p = startswith(url, "https://")))
                https = true;
        else
                return fail(ret_error, need_port ? "must be http://host:port or https://host:port"
                                                 : "must start with http:// or https://");

        /* Relay URLs carry the relay's public key as user name: skip it. */
        h = p;
        hend = h + strcspn(h, "/?#");
        for (const char *at = h; at < hend; at++)
                if (*at == '@')
                        h = at + 1;

        if (*h == '[') {
                const char *close = strchr(h, ']');
                struct in6_addr a6;

                if (!close || close > hend)
                        return fail(ret_error, "has an unterminated [IPv6 address]");
                host = strndup(h + 1, (size_t) (close - h - 1));
                if (!host)
                        return -ENOMEM;
                if (inet_pton(AF_INET6, host, &a6) != 1)
                        return fail(ret_error, "has an invalid IPv6 address in brackets");
                /* Canonical form, as the kernel reports addresses (FD00:0::2 is fd00::2). */
                char canon[INET6_ADDRSTRLEN];
                if (!inet_ntop(AF_INET6, &a6, canon, sizeof canon))
                        return -errno;
                free(host);
                host = strdup(canon);
                if (!host)
                        return -ENOMEM;
                family = AF_INET6;
                rest = close + 1;
        } else {
                size_t n = strcspn(h, ":/?#");
                struct in_addr a4;

                host = strndup(h, n);
                if (!host)
                        return -ENOMEM;
                for (const char *c = host; *c; c++)
                        if (!host_char_ok(*c))
                                return fail(ret_error, "has an invalid character in its host name");
                if (inet_pton(AF_INET, host, &a4) == 1)
                        family = AF_INET;
                rest = h + n;
        }
        if (isempty(host))
                return fail(ret_error, "has no host");

        if (*rest == ':') {
                char *e;

                rest++;
                if (*rest < '0' || *rest > '9')
                        return fail(ret_error, "has no port number after ':'");
                errno = 0;
                port = strtoul(rest, &e, 10);
                if (errno != 0 || port < 1 || port > 65535 || (e - rest) > 5)
                        return fail(ret_error, "has a port out of range (1-65535)");
                rest = e;
        } else if (need_port)
                return fail(ret_error, "has no port (expected host:port)");
        else
                port = https ? 443 : 80;

        if (*rest && *rest != '/')
                return fail(ret_error, "has unexpected characters after the port");

        *ret = (Endpoint) {
                .url = strdup(url),
                .https = https,
                .host = TAKE_PTR(host),
                .port = (uint16_t) port,
                .family = family,
        };
        if (!ret->url) {
                endpoint_done(ret);
                return -ENOMEM;
        }
        ret->loopback = streq(ret->host, "localhost") || streq(ret->host, "::1") ||
                        (family == AF_INET && startswith(ret->host, "127."));
        ret->wildcard = (family == AF_INET && streq(ret->host, "0.0.0.0")) ||
                        (family == AF_INET6 && streq(ret->host, "::"));
        return 0;
}
