# hsos-agent, built as the Makefile builds it (callPackage style):
#   pkgs.callPackage ./nix/package.nix { }
# `make install PREFIX=$out` puts in the binary, the units (naming
# $out/bin/hsos-agent), the sysusers.d file, the journal catalog, the dracut
# module and the man page; NixOS finds the units through systemd.packages.
{ lib
, stdenv
, pkg-config
, cjson
, util-linux
, libmnl
, nftables
, systemd
, curl
, libseccomp
, libmicrohttpd
, coreutils
}:

stdenv.mkDerivation {
  pname = "hsos-agent";
  version = lib.fileContents ../VERSION;

  # Only what the build, the install and the unit tests read: editing the
  # README or the e2e tier does not rebuild the agent.
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../Makefile
      ../VERSION
      ../LICENSE
      ../agent
      ../include
      ../initrd-hooks
      ../docs
      ../examples/node.json
      ../tests/run-tests.sh
      ../tests/unit
    ];
  };

  nativeBuildInputs = [ pkg-config ];

  # libblkid and libmount come from util-linux; libsystemd from systemd;
  # libcurl and libseccomp are hsos-agent-net's (the unprivileged helper
  # that probes the clients and reports to the controller).
  buildInputs = [ cjson util-linux libmnl nftables systemd curl libseccomp libmicrohttpd ];

  # libnftables is opened with dlopen by the child that loads the firewall,
  # libblkid and libmount by the worker that reads the disk (the root
  # process never maps them), libmicrohttpd by fleet serve and libseccomp
  # while the filter is loaded (the network helper keeps neither): by their
  # store paths, as Nix's loader would not find their sonames.
  makeFlags = [
    "PREFIX=${placeholder "out"}"
    "LIBNFTABLES=${lib.getLib nftables}/lib/libnftables.so.1"
    "LIBBLKID=${lib.getLib util-linux}/lib/libblkid.so.1"
    "LIBMOUNT=${lib.getLib util-linux}/lib/libmount.so.1"
    "LIBMICROHTTPD=${lib.getLib libmicrohttpd}/lib/libmicrohttpd.so.12"
    "LIBSECCOMP=${lib.getLib libseccomp}/lib/libseccomp.so.2"
  ];

  enableParallelBuilding = true;

  # The pure core's unit tests and the check that it includes no edge
  # library header: no root, no devices, milliseconds.
  doCheck = true;
  checkTarget = "check-unit";

  # The daemon's unit reloads with kill(1), which NixOS does not keep in /bin.
  postInstall = ''
    substituteInPlace $out/lib/systemd/system/hsos-agent.service \
      --replace-fail "ExecReload=/bin/kill" "ExecReload=${coreutils}/bin/kill"
  '';

  meta = {
    description = "Boot agent of a HomestakerOS-style Ethereum staking node: node.json in, a running node out";
    longDescription = ''
      On every boot of a RAM-disk node, hsos-agent turns node.json (the
      document HomestakerOS's web UI writes) into a running node: it finds
      and mounts the persistent disks, prepares the JWT and the ssh host key,
      and writes one hardened systemd unit per enabled client. It never
      starts a client whose data would land in RAM, and says why.
    '';
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
    mainProgram = "hsos-agent";
  };
}
