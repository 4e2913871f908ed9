#!/bin/sh
# CI check that seccomp-dsl/src/tables/gen_*.rs are what tools/gen-tables.py generates.
#
# Run as root on a fresh Debian 12 (bookworm) machine or container, from anywhere in the
# repository: installs the inputs (Linux 6.12 source from bookworm-backports, the arm64
# cross compiler and glibc headers, the man pages) and the tools headers_install needs
# (make, gcc, rsync), then runs the generator's unit tests and `tools/gen-tables.py --check`
# on the source tarball (which also checks every claim of tools/arguments.toml). The
# generator extracts only what it reads from the tarball (no full unpack).
#
# Time on the development machine (2 cores, packages already installed): 41-44 s wall
# clock, of which apt-get ~4 s and the generator ~38 s (streaming the 150 MB tarball and
# extracting what it reads ~20 s, two `make headers_install` in parallel ~10 s, the rest
# parsing and compiling constants). A first run also downloads ~225 MB of packages. With
# the proofs of tools/arguments.toml the generator took 58 s, and 100 s while other
# builds shared the 2 cores; its unit tests take under a second.
#
# Needs rustfmt (edition 2024, i.e. Rust >= 1.85) on PATH: CI images with a Rust toolchain
# have it; otherwise a minimal rustup toolchain is installed below. The generated text is
# the output of rustfmt, so a rustfmt release that formats struct literals differently
# would show up here as a diff.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive

# bookworm-backports carries linux-source-6.12.
if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo 'deb http://deb.debian.org/debian bookworm-backports main' \
        >/etc/apt/sources.list.d/bookworm-backports.list
fi

# Slim images tell dpkg to drop /usr/share/man; the generator reads man2 synopses.
if grep -rqs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
    echo 'path-include=/usr/share/man/man2/*' >/etc/dpkg/dpkg.cfg.d/zz-gen-tables-man2
fi

apt-get update -q
apt-get install -y -q --no-install-recommends -t bookworm-backports linux-source-6.12
apt-get install -y -q --no-install-recommends \
    python3 make gcc libc6-dev rsync \
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
    manpages-dev
if [ ! -e /usr/share/man/man2/write.2.gz ]; then
    apt-get install -y -q --no-install-recommends --reinstall manpages-dev
fi

if ! command -v rustfmt >/dev/null 2>&1; then
    apt-get install -y -q --no-install-recommends ca-certificates curl
    curl -sSf https://sh.rustup.rs |
        sh -s -- -y -q --profile minimal --component rustfmt --default-toolchain stable
    PATH="$HOME/.cargo/bin:$PATH"
fi

# The proof that the kernel narrows an argument (tools/arguments.toml), on small C files.
python3 -m unittest discover -s "$repo/tools" -p 'test_*.py'

tarball=$(ls /usr/src/linux-source-6.12.tar.* | head -n 1)
exec python3 "$repo/tools/gen-tables.py" --kernel-src "$tarball" --check \
    --out-dir "$repo/seccomp-dsl/src/tables"
