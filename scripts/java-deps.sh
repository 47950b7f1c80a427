#!/usr/bin/env bash
# Install what the Spark engine (`pejling compute --engine spark`) and its parity test need: a
# Java runtime, 17 or newer, from Debian. Idempotent: does nothing when `java` (or
# $JAVA_HOME/bin/java) is 17 or newer. Needs root (or sudo) for apt-get.
set -euo pipefail

java_major() {
    local java="${JAVA_HOME:+$JAVA_HOME/bin/}java" version major
    if ! command -v "$java" >/dev/null 2>&1; then
        echo 0
        return
    fi
    version=$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
    major=${version%%.*}
    if [ "$major" = "1" ]; then  # Java 8 and older: 1.8.0_…
        major=$(echo "$version" | cut -d. -f2)
    fi
    case "$major" in
        '' | *[!0-9]*) echo 0 ;;
        *) echo "$major" ;;
    esac
}

if [ "$(java_major)" -ge 17 ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "Installing Debian openjdk-17-jre-headless for the Spark engine …"
$SUDO apt-get update -qq
package=openjdk-17-jre-headless
if ! apt-cache show "$package" >/dev/null 2>&1; then
    package=default-jre-headless  # a Debian without Java 17 has a newer default
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null
if [ "$(java_major)" -lt 17 ]; then
    echo "java is still older than 17; set JAVA_HOME to the new runtime, e.g." >&2
    ls -d /usr/lib/jvm/java-*-openjdk-* >&2 || true
    exit 1
fi
