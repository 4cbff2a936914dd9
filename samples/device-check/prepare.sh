#!/usr/bin/env bash
# Builds the kit the GPU machine runs (samples/device-check/run.sh): a jlinked JRE (that machine
# has no Java), a headroom jar without the natives of other platforms, the -Pgpu test classes and
# the JUnit console launcher (it has no Maven either). Everything lands in device-kit/ at the
# repository root (ignored by git), sized to travel with the working tree (64 MiB in all).
#
#   bash samples/device-check/prepare.sh          then, with a device:   run carry=["device-kit"]
#                                                  command: bash samples/device-check/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kit="$root/device-kit"
budget_mib=60
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"

step() { echo "device-check: $*" >&2; }

step "building the headroom jar and the native-bindings test classes"
(cd "$root" && { mvn -B -q -o -DskipTests -pl cli -am package || mvn -B -q -DskipTests -pl cli -am package; } \
  && { mvn -B -q -o -DskipTests -pl native-bindings test-compile || mvn -B -q -DskipTests -pl native-bindings test-compile; })

rm -rf "$kit"
mkdir -p "$kit/lib"

step "slimming the jar (the collector's SQLite natives, JNA natives of other platforms)"
cp "$root/cli/target/headroom.jar" "$kit/headroom.jar"
zip -q -d "$kit/headroom.jar" 'org/sqlite/native/*' >/dev/null
for dir in $(unzip -Z1 "$kit/headroom.jar" \
    | grep -E '^com/sun/jna/(win32-|aix-|darwin-|linux-|sunos-|dragonflybsd-|freebsd-|openbsd-)[a-z0-9-]*/$' \
    | grep -v -E '^com/sun/jna/linux-(x86-64|aarch64)/$'); do
  zip -q -d "$kit/headroom.jar" "${dir}*" >/dev/null
done

step "the -Pgpu test: native-bindings test classes, AssertJ, JUnit console launcher"
cp -r "$root/native-bindings/target/test-classes" "$kit/test-classes"
junit="$(sed -n 's:.*<junit.version>\(5\.[0-9.]*\)</junit.version>.*:\1:p' "$root/pom.xml")"
platform="1.${junit#5.}"   # Jupiter 5.x.y ships with Platform 1.x.y
assertj="$(sed -n 's:.*<assertj.version>\([0-9.]*\)</assertj.version>.*:\1:p' "$root/pom.xml")"
for artifact in "org.junit.platform:junit-platform-console-standalone:$platform" "org.assertj:assertj-core:$assertj"; do
  (cd "$kit" && { mvn -B -q -o dependency:copy -Dartifact="$artifact" -DoutputDirectory="$kit/lib" \
    || mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$kit/lib"; })
done

step "jlink: a JRE with the modules the agent, devices, predict and postmortem commands load"
# jdeps on the jar adds java.desktop (charts) and jdk.jfr; neither is loaded by these commands.
"$java_home/bin/jlink" \
  --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.httpserver,java.net.http,java.sql,java.naming \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$kit/jre"

step "smoke test against the fake NVML library"
fake="$(ls "$root"/native-bindings/target/fake-nvml/libfakenvml-full.so 2>/dev/null | head -1)"
if [ -n "$fake" ]; then
  HEADROOM_NVML_LIBRARY="$fake" "$kit/jre/bin/java" -jar "$kit/headroom.jar" devices >/dev/null
fi
"$kit/jre/bin/java" -jar "$kit/headroom.jar" predict --model llama-3-8b --json >/dev/null

size_mib=$(( $(du -sb "$kit" | cut -f1) / 1048576 ))
step "kit: $kit, ${size_mib} MiB (budget ${budget_mib} MiB)"
if [ "$size_mib" -gt "$budget_mib" ]; then
  echo "device-check: the kit is larger than ${budget_mib} MiB and would not travel" >&2
  exit 1
fi
