#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tests and CI, listening on 127.0.0.1 only.
#
#   eval "$(scripts/pg-start.sh)"      # exports DATABASE_URL and MOTCUA_PG_DIR
#   scripts/pg-stop.sh                 # stops it and deletes its folder
#
# The cluster lives in a fresh temporary folder (or $MOTCUA_PG_DIR if set and empty). Run as
# root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root), so the
# folder is handed to that user. Progress goes to stderr; stdout carries only the exports.
set -euo pipefail

PG_BIN="${PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  for v in 15 16 17 14; do
    if [[ -x "/usr/lib/postgresql/$v/bin/initdb" ]]; then PG_BIN="/usr/lib/postgresql/$v/bin"; break; fi
  done
fi
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
  echo "pg-start: no PostgreSQL server binaries found; install the Debian 'postgresql' package or set PG_BIN" >&2
  exit 1
fi

dir="${MOTCUA_PG_DIR:-}"
if [[ -z "$dir" ]]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/motcua-pg.XXXXXX")"
else
  mkdir -p "$dir"
  if [[ -n "$(ls -A "$dir")" ]]; then
    echo "pg-start: $dir is not empty; stop the cluster there first (scripts/pg-stop.sh $dir) or choose another folder" >&2
    exit 1
  fi
fi
mkdir -p "$dir/sock"

# As root, PostgreSQL must run as an unprivileged user that owns the data folder.
as_pg=()
if [[ "$(id -u)" == "0" ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "pg-start: running as root but there is no 'postgres' OS user to run the server as" >&2
    exit 1
  fi
  chown -R postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi

port="${MOTCUA_PG_PORT:-}"
if [[ -z "$port" ]]; then
  # Ask the kernel for a free port; the window until the server binds it is small.
  port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")"
fi

"${as_pg[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
  echo "pg-start: initdb failed; see $dir/initdb.log" >&2; cat "$dir/initdb.log" >&2; exit 1; }

opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/sock -c max_connections=200"
if ! "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null; then
  echo "pg-start: the server did not start; see $dir/server.log" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

"${as_pg[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres motcua

url="postgres://postgres@127.0.0.1:$port/motcua"
printf 'PG_BIN=%q\nport=%q\n' "$PG_BIN" "$port" >"$dir/cluster.env"
echo "pg-start: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir" >&2
printf 'export DATABASE_URL=%q\nexport MOTCUA_PG_DIR=%q\n' "$url" "$dir"
