#!/bin/sh
# Compiles the VIFlet class library (vm/classlib) with javac:
#   build_classlib.sh SRCDIR RT.jar API.jar
# RT.jar holds every class (ROMized into the VM); API.jar only the VIFlet API
# of the unnamed package, which users compile against (javac -cp API.jar).
# java.lang etc. are our own sources, compiled as a patch of java.base.
set -eu
src=$1; rt=$2; api=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -nowarn -encoding UTF-8 --patch-module "java.base=$src" -d "$tmp/base" $(find "$src/java" -name '*.java' | sort)
javac -nowarn -encoding UTF-8 -cp "$tmp/base" -d "$tmp/api" $(find "$src/viflet" -name '*.java' | sort)
rm -f "$rt" "$api"
jar --create --file "$rt" --date=2026-01-01T00:00:00Z -C "$tmp/base" . -C "$tmp/api" .
jar --create --file "$api" --date=2026-01-01T00:00:00Z -C "$tmp/api" .
