/* SPDX-License-Identifier: MIT */
/* WireGuard through wg-quick: its unit is render.c's own (render_wireguard). */
#include "client.h"

const ClientInfo client_wireguard = {
        .name = "wireguard", .role = ROLE_VPN, .executable = "wg-quick",
        .timeout_stop_sec = 30,
        .config_path = "vpn.wireguard",
        .title = "WireGuard VPN",
        .doc = "man:wg-quick(8)",
};
