/* SPDX-License-Identifier: MIT */
/* sshd's drop-in as the agent renders it. tests/integration/test-sshd.sh
 * hands it to the real sshd and tries each refusal with the real client. */

#include "harness.h"

#include "hsos/sshd.h"
#include "hsos/util.h"

TEST(the_drop_in_allows_public_keys_only_and_no_forwarding) {
        _cleanup_free_ char *s = NULL;

        ASSERT_OK(sshd_dropin_render(NULL, &s));
        ASSERT_CONTAINS(s, "\nAuthenticationMethods publickey\n");
        ASSERT_CONTAINS(s, "\nPubkeyAuthentication yes\n");
        ASSERT_CONTAINS(s, "\nPasswordAuthentication no\n");
        ASSERT_CONTAINS(s, "\nKbdInteractiveAuthentication no\n");
        ASSERT_CONTAINS(s, "\nPermitRootLogin no\n");
        ASSERT_CONTAINS(s, "\nAllowTcpForwarding no\n");
        ASSERT_CONTAINS(s, "\nAllowStreamLocalForwarding no\n");
        ASSERT_CONTAINS(s, "\nX11Forwarding no\n");
        ASSERT_CONTAINS(s, "\nAuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u\n");
        /* The key types stay sshd's defaults: FIDO (sk-) keys work as before. */
        ASSERT_NOT_CONTAINS(s, "PubkeyAcceptedAlgorithms");
        ASSERT_NOT_CONTAINS(s, "HostKey");
}

TEST(the_persistent_host_key_is_named_when_given) {
        _cleanup_free_ char *s = NULL;

        ASSERT_OK(sshd_dropin_render("/mnt/secrets/ssh/id_ed25519", &s));
        ASSERT_CONTAINS(s, "\nHostKey /mnt/secrets/ssh/id_ed25519\n");
}

TEST(authorized_keys_are_counted_as_sshd_would_take_them) {
        unsigned n = 99;

        ASSERT_OK(sshd_count_authorized_keys("", &n));
        ASSERT_EQ(n, 0);
        ASSERT_OK(sshd_count_authorized_keys("# only a comment\n\n   \n", &n));
        ASSERT_EQ(n, 0);
        ASSERT_OK(sshd_count_authorized_keys(
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs a@b\r\n"
                "# a comment\n"
                "not a key at all\n"
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1q broken\n"
                "from=\"10.0.0.0/8\",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs\n"
                "  sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo= ssh:example",
                &n));
        ASSERT_EQ(n, 3);
}
