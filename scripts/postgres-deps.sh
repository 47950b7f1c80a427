#!/usr/bin/env bash
# Install what the PostgreSQL test run and the load benchmark need: Debian's PostgreSQL server.
# Idempotent: does nothing when a server (initdb under /usr/lib/postgresql/*/bin) is installed.
# The tests start their own throw-away server (tests/web/postgres_server.py), so the package's
# default cluster is not created (nothing listens on port 5432 afterwards). Needs root (or
# sudo) for apt-get.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && getent passwd postgres >/dev/null; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "Installing Debian postgresql for the PostgreSQL test run …"
# a drop-in (createcluster.conf includes createcluster.d/), not the package's own file, so
# installing the package asks no question about a changed configuration file
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" \
    | $SUDO tee /etc/postgresql-common/createcluster.d/pejling-no-main-cluster.conf >/dev/null
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
