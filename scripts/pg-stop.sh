#!/usr/bin/env bash
# Stops a cluster started by scripts/pg-start.sh and deletes its folder.
#
#   scripts/pg-stop.sh [folder]        # default: $MOTCUA_PG_DIR
#
# Set MOTCUA_PG_KEEP=1 to keep the folder (server.log) for a post-mortem.
set -euo pipefail

dir="${1:-${MOTCUA_PG_DIR:-}}"
if [[ -z "$dir" ]]; then
  echo "pg-stop: which cluster? pass its folder or set MOTCUA_PG_DIR (printed by pg-start.sh)" >&2
  exit 2
fi
if [[ ! -f "$dir/cluster.env" ]]; then
  echo "pg-stop: $dir was not made by pg-start.sh (no cluster.env); leaving it alone" >&2
  exit 1
fi
# shellcheck disable=SC1091
source "$dir/cluster.env"

as_pg=()
if [[ "$(id -u)" == "0" ]]; then as_pg=(runuser -u postgres --); fi

if [[ -f "$dir/data/postmaster.pid" ]]; then
  # 'fast' disconnects clients and shuts down cleanly; fall back to 'immediate' if it hangs.
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null \
    || "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
fi

if [[ "${MOTCUA_PG_KEEP:-}" == "1" ]]; then
  echo "pg-stop: stopped; kept $dir" >&2
else
  rm -rf -- "$dir"
  echo "pg-stop: stopped and removed $dir" >&2
fi
