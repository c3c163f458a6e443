#!/usr/bin/env bash
# A private ClickHouse server on 127.0.0.1 for the real-server tests.
#
#   eval "$(bash .ci/clickhouse-server.sh start)"   # prints `export CLICKHOUSE_URL=…` lines
#   bash .ci/clickhouse-server.sh stop
#
# Installs nothing: `.ci/run` does `apt-get install -y clickhouse-server clickhouse-client`
# (Debian's 18.16.1). Everything (config, data, logs, pid) lives in one state directory,
# $TSDBT_CLICKHOUSE_DIR or /tmp/tsdbt-clickhouse-<uid>, so `start` twice reuses the
# running server and `stop` finds it again. Only the eval-able lines go to stdout;
# progress and errors go to stderr.
set -euo pipefail

STATE_DIR="${TSDBT_CLICKHOUSE_DIR:-${TMPDIR:-/tmp}/tsdbt-clickhouse-$(id -u)}"
MARKER="$STATE_DIR/.tsdbt-clickhouse-state"
PID_FILE="$STATE_DIR/clickhouse-server.pid"
ENV_FILE="$STATE_DIR/env.sh"
LOG_DIR="$STATE_DIR/log"
START_TIMEOUT_S="${TSDBT_CLICKHOUSE_START_TIMEOUT:-30}"

say() { printf '%s\n' "clickhouse-server.sh: $*" >&2; }
die() { say "$*"; exit 1; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && { printf '%s' "$pid"; return 0; }
  return 1
}

# True when something accepts connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port tries=0
  while (( tries < 200 )); do
    port=$(( 20000 + RANDOM % 40000 ))
    tries=$(( tries + 1 ))
    if ! port_in_use "$port" && [[ " ${TAKEN_PORTS:-} " != *" $port "* ]]; then
      TAKEN_PORTS="${TAKEN_PORTS:-} $port"
      printf '%s' "$port"
      return 0
    fi
  done
  die "found no free port on 127.0.0.1"
}

ping_ok() { curl -fsS --max-time 1 "http://127.0.0.1:$1/ping" >/dev/null 2>&1; }

# One <users> entry: name, settings profile, password; loopback only. (`default` gets the password too,
# so nothing on the machine can use the server without it.)
user_xml() {
  printf '        <%s>\n            <password>%s</password>\n            <networks><ip>127.0.0.1</ip></networks>\n' "$1" "$3"
  printf '            <profile>%s</profile>\n            <quota>default</quota>\n        </%s>\n' "$2" "$1"
}

write_config() {
  local http_port="$1" tcp_port="$2" password="$3"
  if [[ -d "$STATE_DIR" && ! -f "$MARKER" && -n "$(ls -A "$STATE_DIR" 2>/dev/null)" ]]; then
    die "$STATE_DIR exists, is not empty and was not made by this script; set TSDBT_CLICKHOUSE_DIR to a fresh directory"
  fi
  mkdir -p "$STATE_DIR"
  : >"$MARKER"
  mkdir -p "$STATE_DIR/data" "$STATE_DIR/tmp" "$STATE_DIR/user_files" "$STATE_DIR/format_schemas" "$LOG_DIR"
  cat >"$STATE_DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>$LOG_DIR/clickhouse-server.log</log>
        <errorlog>$LOG_DIR/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$http_port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$STATE_DIR/data/</path>
    <tmp_path>$STATE_DIR/tmp/</tmp_path>
    <user_files_path>$STATE_DIR/user_files/</user_files_path>
    <format_schema_path>$STATE_DIR/format_schemas/</format_schema_path>
    <include_from>$STATE_DIR/no-substitutions.xml</include_from>
    <users_config>$STATE_DIR/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
</yandex>
XML
  printf '<?xml version="1.0"?>\n<yandex/>\n' >"$STATE_DIR/no-substitutions.xml"
  cat >"$STATE_DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>2000000000</max_memory_usage>
        </default>
        <readonly>
            <readonly>1</readonly>
        </readonly>
    </profiles>
    <users>
$(user_xml default default "$password")
$(user_xml tsdbt default "$password")
$(user_xml reader readonly "$password")
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
XML
}

start() {
  command -v clickhouse-server >/dev/null 2>&1 \
    || die "clickhouse-server is not installed; run: apt-get update && apt-get install -y clickhouse-server clickhouse-client"
  command -v curl >/dev/null 2>&1 || die "curl is needed to wait for the server"

  if running_pid >/dev/null && [[ -f "$ENV_FILE" ]]; then
    local http_port; http_port="$(sed -n 's/^# http_port=//p' "$ENV_FILE")"
    if ping_ok "$http_port"; then
      say "already running (pid $(running_pid)), state in $STATE_DIR"
      grep -v '^#' "$ENV_FILE"
      return 0
    fi
  fi
  stop quiet

  local http_port tcp_port password
  http_port="$(free_port)"
  tcp_port="$(free_port)"
  password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  write_config "$http_port" "$tcp_port" "$password"

  # 18.16 runs fine as root (CI) and as any other user; it has no `--daemon` pid handling we
  # rely on, so we background it ourselves and keep its pid. Its own stdout/stderr go to the log dir.
  (
    cd "$STATE_DIR"
    exec clickhouse-server --config-file="$STATE_DIR/config.xml" \
      >"$LOG_DIR/stdout.log" 2>"$LOG_DIR/stderr.log" </dev/null
  ) &
  local pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"

  local deadline=$(( SECONDS + START_TIMEOUT_S ))
  until ping_ok "$http_port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "the server exited during start-up; last log lines:"
      tail -n 20 "$LOG_DIR/clickhouse-server.err.log" "$LOG_DIR/stderr.log" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      say "no answer on http://127.0.0.1:$http_port/ping after ${START_TIMEOUT_S}s; stopping it"
      tail -n 20 "$LOG_DIR/clickhouse-server.err.log" >&2 2>/dev/null || true
      stop quiet
      exit 1
    fi
    sleep 0.2
  done

  {
    printf '# http_port=%s\n' "$http_port"
    printf 'export CLICKHOUSE_URL=http://tsdbt:%s@127.0.0.1:%s\n' "$password" "$http_port"
    printf 'export CLICKHOUSE_READONLY_URL=http://reader:%s@127.0.0.1:%s\n' "$password" "$http_port"
    printf 'export CLICKHOUSE_TCP_PORT=%s\n' "$tcp_port"
    printf 'export CLICKHOUSE_SERVER_PID_FILE=%s\n' "$PID_FILE"
  } >"$ENV_FILE"
  chmod 600 "$ENV_FILE"
  say "started pid $pid on http://127.0.0.1:$http_port (tcp $tcp_port), state in $STATE_DIR"
  grep -v '^#' "$ENV_FILE"
}

stop() {
  local quiet="${1:-}" pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( SECONDS + 15 ))
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS >= deadline )); then
        say "pid $pid ignored SIGTERM for 15s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
    [[ -n "$quiet" ]] || say "stopped pid $pid"
  else
    [[ -n "$quiet" ]] || say "not running"
  fi
  # The state directory holds only the test server's config, data and logs; remove it when we made it.
  if [[ -f "$MARKER" ]]; then
    rm -rf "$STATE_DIR"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) say "usage: $0 start|stop"; exit 2 ;;
esac
