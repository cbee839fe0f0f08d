#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL cluster and Redis server on loopback.
# Usage: scripts/services.sh start DIR   -> prints export lines for DATABASE_URL / REDIS_URL
#        scripts/services.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?state folder}
free_port() {  # the preferred port if free on loopback, else any free one
  python3 -c 'import socket,sys
s=socket.socket()
try: s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError: s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  PG_PORT=$(free_port "${PG_PORT:-55432}"); REDIS_PORT=$(free_port "${REDIS_PORT:-56379}")
  mkdir -p "$dir"; chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$pgbin/initdb" -D "$dir/pg" -U xsight --auth=trust -E UTF8 >"$dir/initdb.log"
  as_pg "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U xsight xsight_test
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "$REDIS_PORT" > "$dir/redis.port"
  echo "export DATABASE_URL=postgresql://xsight@127.0.0.1:$PG_PORT/xsight_test"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  ;;
stop)
  [ -d "$dir/pg" ] && as_pg "$pgbin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  ;;
esac
