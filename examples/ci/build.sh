#!/bin/sh
# Builds the application's image.  Usage: build.sh TAG
# BASE: the busybox image to start from (default: the registry's).
set -eu
cd "$(dirname "$0")"
docker build -q --build-arg "BASE=${BASE:-busybox:1.36.1}" -t "$1" app
