#!/usr/bin/env bash
# NATS with JetStream for tests and local distributed runs. Uses whatever already answers on
# 127.0.0.1:$NATS_PORT; otherwise starts Debian's nats-server (installing it when run as root).
#
#   deploy/local/nats.sh start|stop|status|url
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${EXGATE_CACHE:-$repo_root/.local}"
port="${NATS_PORT:-4222}"
home="$cache/nats/$port"
pid_file="$home/nats.pid"
log_file="$cache/nats/server.log"
url="nats://127.0.0.1:$port"

say() { echo "nats: $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
our_pid() {
  [ -f "$pid_file" ] || return 1
  local pid; pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

install_server() {
  command -v nats-server >/dev/null && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "nats-server is missing; install it (Debian: apt-get install nats-server) or point NATS_URL at a server"
    exit 1
  fi
  say "installing Debian's nats-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q nats-server >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q nats-server >/dev/null; }
}

start() {
  if port_open "$port"; then
    say "using the server on 127.0.0.1:$port"; echo "$url"; return 0
  fi
  install_server
  mkdir -p "$home/jetstream"
  say "starting nats-server -js on 127.0.0.1:$port (log: $log_file)"
  setsid nats-server -js -a 127.0.0.1 -p "$port" -sd "$home/jetstream" \
    </dev/null >>"$log_file" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 100); do
    port_open "$port" && { say "ready (pid $(cat "$pid_file"))"; echo "$url"; return 0; }
    our_pid >/dev/null || { tail -n 20 "$log_file" >&2; say "exited during startup"; exit 1; }
    sleep 0.1
  done
  say "port $port did not open in 10s"; exit 1
}

# Stops only a server this script started; a server someone else runs is left alone.
stop() {
  local pid
  if ! pid="$(our_pid)"; then say "no server started by this script"; rm -f "$pid_file"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pid_file"
  say "stopped pid $pid"
}

status() {
  if port_open "$port"; then say "answering on 127.0.0.1:$port"; echo "$url"; else say "not running"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
