#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server: TEST_DATABASE_URL points at it.
#
#   tools/with-postgres.sh make test
#
# The server comes from the machine's own PostgreSQL binaries (initdb, pg_ctl), lives in a
# temporary directory, listens on 127.0.0.1 only, and is stopped and deleted afterwards.
# PostgreSQL refuses to run as root: as root, it runs as the `postgres` user (created if
# missing). Without initdb on PATH, the command runs without PostgreSQL (those tests skip).
set -euo pipefail

if ! command -v initdb >/dev/null 2>&1 || ! command -v pg_ctl >/dev/null 2>&1; then
    echo "with-postgres: no PostgreSQL binaries (initdb, pg_ctl) found; running without PostgreSQL" >&2
    exec "$@"
fi

as_owner=()
if [ "$(id -u)" = "0" ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    as_owner=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/pgtest.XXXXXX)
chmod 755 "$dir"
[ "${#as_owner[@]}" -eq 0 ] || chown postgres "$dir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
    "${as_owner[@]}" pg_ctl -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" initdb -D "$dir/data" -U bot --auth=trust --encoding=UTF8 --no-sync >/dev/null
"${as_owner[@]}" pg_ctl -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300" start >/dev/null
export TEST_DATABASE_URL="postgresql+psycopg://bot@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port" >&2
"$@"
