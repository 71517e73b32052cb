/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h> /* before the kernel headers, which then defer to it */
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "hsos/cleanup.h"
#include "hsos/edge/links.h"

typedef struct AddrDump {
        Facts *facts;
        int r;
} AddrDump;

static int addr_attr(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
                return MNL_CB_OK;
        if ((type == IFA_ADDRESS || type == IFA_LOCAL) && mnl_attr_validate(attr, MNL_TYPE_BINARY) < 0)
                return MNL_CB_ERROR;
        tb[type] = attr;
        return MNL_CB_OK;
}

static int addr_msg(const struct nlmsghdr *nlh, void *data) {
        const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *tb[IFA_MAX + 1] = {};
        AddrDump *d = data;
        const struct nlattr *a;
        char ifname[IF_NAMESIZE] = "", text[INET6_ADDRSTRLEN];
        size_t want;

        if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
                return MNL_CB_OK;
        if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb) < 0)
                return MNL_CB_ERROR;
        /* IFA_LOCAL is the interface's own address on point-to-point links. */
        a = tb[IFA_LOCAL] ?: tb[IFA_ADDRESS];
        want = ifa->ifa_family == AF_INET ? 4 : 16;
        if (!a || mnl_attr_get_payload_len(a) != want)
                return MNL_CB_OK;
        if (!inet_ntop(ifa->ifa_family, mnl_attr_get_payload(a), text, sizeof text))
                return MNL_CB_OK;
        if (!if_indextoname(ifa->ifa_index, ifname))
                snprintf(ifname, sizeof ifname, "if%u", ifa->ifa_index);
        d->r = facts_add_address(d->facts, ifname, text);
        if (d->r >= 0)
                d->facts->addresses[d->facts->n_addresses - 1].prefixlen = ifa->ifa_prefixlen;
        return d->r < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* One dump request over rtnetlink, each message handed to cb. */
static int rtnl_dump(uint16_t type, uint8_t family, mnl_cb_t cb, void *data, int *cb_error) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        char buf[32768]; /* MNL_SOCKET_DUMP_SIZE, which libmnl 1.0.4 lacks */
        struct nlmsghdr *nlh;
        struct rtgenmsg *rt;
        unsigned seq = (unsigned) time(NULL), portid;
        ssize_t n;
        int r;

        nl = mnl_socket_open(NETLINK_ROUTE);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        portid = mnl_socket_get_portid(nl);

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
        rt->rtgen_family = family;
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;

        for (;;) {
                n = mnl_socket_recvfrom(nl, buf, sizeof buf);
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t) n, seq, portid, cb, data);
                if (r < 0)
                        return *cb_error < 0 ? *cb_error : -errno;
                if (r == MNL_CB_STOP)
                        return 0;
        }
}

int links_read_addresses(Facts *f) {
        AddrDump d = { .facts = f };

        return rtnl_dump(RTM_GETADDR, AF_UNSPEC, addr_msg, &d, &d.r);
}

static const char *operstate_name(uint8_t s) {
        switch (s) {
        case IF_OPER_UP:
                return "up";
        case IF_OPER_DOWN:
                return "down";
        case IF_OPER_DORMANT:
                return "dormant";
        case IF_OPER_LOWERLAYERDOWN:
                return "lowerlayerdown";
        case IF_OPER_NOTPRESENT:
                return "notpresent";
        case IF_OPER_TESTING:
                return "testing";
        default:
                return "unknown";
        }
}

static int link_attr(const struct nlattr *attr, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(attr);

        if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
                return MNL_CB_OK;
        tb[type] = attr;
        return MNL_CB_OK;
}

static int link_msg(const struct nlmsghdr *nlh, void *data) {
        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        const struct nlattr *tb[IFLA_MAX + 1] = {};
        AddrDump *d = data;
        const char *name;

        if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr, tb) < 0)
                return MNL_CB_ERROR;
        if (!tb[IFLA_IFNAME] || mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_STRING) < 0)
                return MNL_CB_OK;
        name = mnl_attr_get_str(tb[IFLA_IFNAME]);
        d->r = facts_add_link(d->facts, name,
                              operstate_name(tb[IFLA_OPERSTATE] ? mnl_attr_get_u8(tb[IFLA_OPERSTATE]) : IF_OPER_UNKNOWN),
                              tb[IFLA_CARRIER] ? mnl_attr_get_u8(tb[IFLA_CARRIER]) != 0 : false);
        return d->r < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static int route_msg(const struct nlmsghdr *nlh, void *data) {
        const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
        AddrDump *d = data;

        /* A default route: no destination prefix, in the main table. */
        if (rtm->rtm_dst_len == 0 && rtm->rtm_table == RT_TABLE_MAIN && rtm->rtm_type == RTN_UNICAST)
                d->facts->system.default_route = true;
        return MNL_CB_OK;
}

int links_read(Facts *f) {
        AddrDump d = { .facts = f };
        int r;

        r = rtnl_dump(RTM_GETLINK, AF_UNSPEC, link_msg, &d, &d.r);
        if (r < 0)
                return r;
        f->system.default_route = false;
        r = rtnl_dump(RTM_GETROUTE, AF_INET, route_msg, &d, &d.r);
        if (r < 0)
                return r;
        return rtnl_dump(RTM_GETROUTE, AF_INET6, route_msg, &d, &d.r);
}
