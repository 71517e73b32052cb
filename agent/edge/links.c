/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "hsos/cleanup.h"
#include "hsos/edge.h"

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

int links_read_addresses(Facts *f) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        char buf[32768]; /* MNL_SOCKET_DUMP_SIZE, which libmnl 1.0.4 lacks */
        struct nlmsghdr *nlh;
        struct rtgenmsg *rt;
        unsigned seq = (unsigned) time(NULL), portid;
        AddrDump d = { .facts = f };
        ssize_t n;
        int r;

        nl = mnl_socket_open(NETLINK_ROUTE);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        portid = mnl_socket_get_portid(nl);

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_GETADDR;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
        rt->rtgen_family = AF_UNSPEC;
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;

        for (;;) {
                n = mnl_socket_recvfrom(nl, buf, sizeof buf);
                if (n < 0)
                        return -errno;
                r = mnl_cb_run(buf, (size_t) n, seq, portid, addr_msg, &d);
                if (r < 0)
                        return d.r < 0 ? d.r : -errno;
                if (r == MNL_CB_STOP)
                        return 0;
        }
}
