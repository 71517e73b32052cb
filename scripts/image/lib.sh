# Shell functions of the image's build (scripts/image/build.sh, clients.sh):
# what an ELF file needs and whether the image has a file. The caller sets
# stage (the layer being made), base_list (the base's files as `cpio -t`
# prints them) and layers (extra layer directories, may be empty).

# The libraries an ELF file needs, as ldd lists them, but from this machine's
# own dynamic loader (ldd may run a program's own loader, and these are
# downloads run as root).
loader=$(ls /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1 2>/dev/null | head -n 1)
needed() { [ -n "$loader" ] && "$loader" --list "$1" 2>/dev/null; }

# Debian 12 merged /usr: /lib, /lib64, /bin and /sbin are links into /usr.
canon() { case $1 in /lib/* | /lib64/* | /bin/* | /sbin/*) echo "/usr$1" ;; *) echo "$1" ;; esac; }

# In the image: the base, the layer in STAGE, or an extra layer.
in_base() {
        set -- "$(canon "$1")"
        [ -e "$stage$1" ] && return 0
        for layer in $layers; do [ -e "$layer$1" ] && return 0; done
        grep -qxF -- ".$1" "$base_list" || grep -qxF -- "${1#/}" "$base_list"
}

# libs PROGRAM: the libraries PROGRAM needs, one path a line.
libs() { needed "$1" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'; }
