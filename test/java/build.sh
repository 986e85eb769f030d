#!/bin/sh
# Compiles the Java test corpus with stock javac 17:
#   build.sh SRCDIR OUTDIR STAMP API.jar
# run/ and reject/ against the JDK; viflet/ against the VIFlet API jar.
set -eu
src=$1; out=$2; stamp=$3; api=$4
rm -rf "$out"; mkdir -p "$out"
for d in run reject hostile; do
  javac -nowarn -encoding UTF-8 -d "$out/$d" "$src/$d"/*.java 2>&1 | grep -v '^Note:' || true
done
javac -nowarn -encoding UTF-8 -cp "$api" -d "$out/viflet" "$src/viflet"/*.java
touch "$stamp"
