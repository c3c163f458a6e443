#!/usr/bin/env bash
# A private ClickHouse server on 127.0.0.1 for the real-server tests.
#
#   eval "$(bash .ci/clickhouse-server.sh start)"   # prints `export CLICKHOUSE_URL=…` lines
#   bash .ci/clickhouse-server.sh stop
#
# Installs nothing: `.ci/run` does `apt-get install -y clickhouse-server clickhouse-client zookeeper`
# (Debian's 18.16.1). When ZooKeeper is installed (and TSDBT_CLICKHOUSE_CLUSTER is not 0), `start`
# also runs a ZooKeeper and a second server, and both servers define two clusters on loopback:
# `tsdbt_shards` (two shards, one replica each: for Distributed tables) and `tsdbt_replicas` (one
# shard, two replicas: for Replicated engines); ON CLUSTER goes through ZooKeeper. It then also
# prints CLICKHOUSE_CLUSTER, CLICKHOUSE_REPLICA_CLUSTER and CLICKHOUSE_NODE2_URL. With openssl, the
# first server also serves HTTPS with a certificate from a throwaway CA: CLICKHOUSE_HTTPS_URL and
# CLICKHOUSE_CA_CERT (the CA's PEM). Everything (config, data, logs, pid) lives in one state directory,
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
NODE2_DIR="$STATE_DIR/node2"
ZK_DIR="$STATE_DIR/zookeeper"
ZK_JAR="${TSDBT_ZOOKEEPER_JAR:-/usr/share/java/zookeeper.jar}"
SHARDS_CLUSTER=tsdbt_shards
REPLICAS_CLUSTER=tsdbt_replicas

say() { printf '%s\n' "clickhouse-server.sh: $*" >&2; }
die() { say "$*"; exit 1; }

running_pid() {
  local file="${1:-$PID_FILE}"
  [[ -f "$file" ]] || return 1
  local pid
  pid="$(cat "$file" 2>/dev/null || true)"
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

# A throwaway CA and a certificate for 127.0.0.1 signed by it, for the HTTPS port (openssl only).
write_tls() {
  local dir="$STATE_DIR/tls"
  command -v openssl >/dev/null 2>&1 || return 1
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 2 -subj "/CN=tsdbt test CA" >/dev/null 2>&1 || return 1
  openssl req -newkey rsa:2048 -nodes -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=127.0.0.1" >/dev/null 2>&1 || return 1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -out "$dir/server.crt" -days 2 -extfile "$dir/ext.cnf" >/dev/null 2>&1 || return 1
}

# The HTTPS part of node 1's config.
tls_xml() {
  local dir="$STATE_DIR/tls"
  cat <<XML
    <https_port>$HTTPS_PORT</https_port>
    <openSSL>
        <server>
            <certificateFile>$dir/server.crt</certificateFile>
            <privateKeyFile>$dir/server.key</privateKeyFile>
            <verificationMode>none</verificationMode>
            <loadDefaultCAFile>false</loadDefaultCAFile>
            <cacheSessions>true</cacheSessions>
            <disableProtocols>sslv2,sslv3</disableProtocols>
            <preferServerCiphers>true</preferServerCiphers>
        </server>
    </openSSL>
XML
}

cluster_wanted() { [[ "${TSDBT_CLICKHOUSE_CLUSTER:-1}" != "0" && -f "$ZK_JAR" ]] && command -v java >/dev/null 2>&1; }

prepare_state_dir() {
  if [[ -d "$STATE_DIR" && ! -f "$MARKER" && -n "$(ls -A "$STATE_DIR" 2>/dev/null)" ]]; then
    die "$STATE_DIR exists, is not empty and was not made by this script; set TSDBT_CLICKHOUSE_DIR to a fresh directory"
  fi
  mkdir -p "$STATE_DIR"
  : >"$MARKER"
}

# One <replica> of a cluster: a server of ours on loopback, logged into as `default`.
replica_xml() {
  printf '                <replica><host>127.0.0.1</host><port>%s</port><user>default</user><password>%s</password></replica>\n' "$1" "$2"
}

# The cluster part of a node's config: ZooKeeper, the two clusters, and this node's macros.
cluster_xml() {
  local node="$1" password="$2"
  cat <<XML
    <zookeeper>
        <node><host>127.0.0.1</host><port>$ZK_PORT</port></node>
        <session_timeout_ms>30000</session_timeout_ms>
    </zookeeper>
    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
    <remote_servers>
        <$SHARDS_CLUSTER>
            <shard>
$(replica_xml "$TCP_PORT" "$password")
            </shard>
            <shard>
$(replica_xml "$NODE2_TCP_PORT" "$password")
            </shard>
        </$SHARDS_CLUSTER>
        <$REPLICAS_CLUSTER>
            <shard>
                <internal_replication>true</internal_replication>
$(replica_xml "$TCP_PORT" "$password")
$(replica_xml "$NODE2_TCP_PORT" "$password")
            </shard>
        </$REPLICAS_CLUSTER>
    </remote_servers>
    <macros>
        <shard>0$node</shard>
        <replica>node$node</replica>
    </macros>
    <interserver_http_host>127.0.0.1</interserver_http_host>
XML
}

# config.xml for one server in $1 (its own data, tmp and logs), sharing the users file in $STATE_DIR.
write_node_config() {
  local dir="$1" http_port="$2" tcp_port="$3" interserver_port="$4" node="$5" password="$6"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>$dir/log/clickhouse-server.log</log>
        <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$http_port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <interserver_http_port>$interserver_port</interserver_http_port>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <include_from>$STATE_DIR/no-substitutions.xml</include_from>
    <users_config>$STATE_DIR/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
$( [[ -n "${ZK_PORT:-}" ]] && cluster_xml "$node" "$password" )
$( [[ "$node" == 1 && -n "${HTTPS_PORT:-}" ]] && tls_xml )
</yandex>
XML
}

write_users() {
  local password="$1"
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

# Starts one server from $1/config.xml in the background; its pid goes to $2.
launch_server() {
  local dir="$1" pid_file="$2"
  (
    cd "$dir"
    exec clickhouse-server --config-file="$dir/config.xml" \
      >"$dir/log/stdout.log" 2>"$dir/log/stderr.log" </dev/null
  ) &
  printf '%s\n' "$!" >"$pid_file"
}

# Waits for GET /ping on $1 from the server whose pid is in $2 (logs in $3); stops everything on failure.
await_server() {
  local http_port="$1" pid_file="$2" log_dir="$3" pid
  pid="$(cat "$pid_file")"
  local deadline=$(( SECONDS + START_TIMEOUT_S ))
  until ping_ok "$http_port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "the server on port $http_port exited during start-up; last log lines:"
      tail -n 20 "$log_dir/clickhouse-server.err.log" "$log_dir/stderr.log" >&2 2>/dev/null || true
      stop quiet
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      say "no answer on http://127.0.0.1:$http_port/ping after ${START_TIMEOUT_S}s; stopping"
      tail -n 20 "$log_dir/clickhouse-server.err.log" >&2 2>/dev/null || true
      stop quiet
      exit 1
    fi
    sleep 0.2
  done
}

zk_ok() { [[ "$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'ruok' >&3 && timeout 1 cat <&3) 2>/dev/null)" == "imok" ]]; }

start_zookeeper() {
  mkdir -p "$ZK_DIR/data"
  cat >"$ZK_DIR/zoo.cfg" <<CFG
tickTime=500
initLimit=10
syncLimit=5
dataDir=$ZK_DIR/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
  (
    cd "$ZK_DIR"
    exec java -Xmx128m -cp "$ZK_JAR" org.apache.zookeeper.server.ZooKeeperServerMain "$ZK_DIR/zoo.cfg" \
      >"$ZK_DIR/zookeeper.log" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$ZK_DIR/pid"
  local deadline=$(( SECONDS + START_TIMEOUT_S ))
  until zk_ok "$ZK_PORT"; do
    if ! kill -0 "$(cat "$ZK_DIR/pid")" 2>/dev/null || (( SECONDS >= deadline )); then
      say "ZooKeeper did not start on 127.0.0.1:$ZK_PORT; last log lines:"
      tail -n 20 "$ZK_DIR/zookeeper.log" >&2 2>/dev/null || true
      stop quiet
      exit 1
    fi
    sleep 0.2
  done
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

  local http_port password
  http_port="$(free_port)"
  TCP_PORT="$(free_port)"
  password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  prepare_state_dir
  write_users "$password"
  ZK_PORT=""
  local node2_http_port=""
  if cluster_wanted; then
    ZK_PORT="$(free_port)"
    node2_http_port="$(free_port)"
    NODE2_TCP_PORT="$(free_port)"
    start_zookeeper
    write_node_config "$NODE2_DIR" "$node2_http_port" "$NODE2_TCP_PORT" "$(free_port)" 2 "$password"
  fi
  HTTPS_PORT=""
  if write_tls; then HTTPS_PORT="$(free_port)"; else say "openssl failed or is missing: no HTTPS port"; fi
  write_node_config "$STATE_DIR" "$http_port" "$TCP_PORT" "$(free_port)" 1 "$password"

  # 18.16 runs fine as root (CI) and as any other user; it has no `--daemon` pid handling we
  # rely on, so we background it ourselves and keep its pid. Its own stdout/stderr go to the log dir.
  launch_server "$STATE_DIR" "$PID_FILE"
  [[ -z "$ZK_PORT" ]] || launch_server "$NODE2_DIR" "$NODE2_DIR/pid"
  await_server "$http_port" "$PID_FILE" "$LOG_DIR"
  [[ -z "$ZK_PORT" ]] || await_server "$node2_http_port" "$NODE2_DIR/pid" "$NODE2_DIR/log"
  local pid; pid="$(cat "$PID_FILE")"
  local tcp_port="$TCP_PORT"

  {
    printf '# http_port=%s\n' "$http_port"
    printf 'export CLICKHOUSE_URL=http://tsdbt:%s@127.0.0.1:%s\n' "$password" "$http_port"
    printf 'export CLICKHOUSE_READONLY_URL=http://reader:%s@127.0.0.1:%s\n' "$password" "$http_port"
    printf 'export CLICKHOUSE_TCP_PORT=%s\n' "$tcp_port"
    printf 'export CLICKHOUSE_SERVER_PID_FILE=%s\n' "$PID_FILE"
    if [[ -n "$HTTPS_PORT" ]]; then
      printf 'export CLICKHOUSE_HTTPS_URL=https://tsdbt:%s@127.0.0.1:%s\n' "$password" "$HTTPS_PORT"
      printf 'export CLICKHOUSE_CA_CERT=%s\n' "$STATE_DIR/tls/ca.crt"
    fi
    if [[ -n "$ZK_PORT" ]]; then
      printf 'export CLICKHOUSE_CLUSTER=%s\n' "$SHARDS_CLUSTER"
      printf 'export CLICKHOUSE_REPLICA_CLUSTER=%s\n' "$REPLICAS_CLUSTER"
      printf 'export CLICKHOUSE_NODE2_URL=http://tsdbt:%s@127.0.0.1:%s\n' "$password" "$node2_http_port"
    fi
  } >"$ENV_FILE"
  chmod 600 "$ENV_FILE"
  say "started pid $pid on http://127.0.0.1:$http_port (tcp $tcp_port), state in $STATE_DIR"
  [[ -z "$ZK_PORT" ]] || say "and a second server on http://127.0.0.1:$node2_http_port, ZooKeeper on 127.0.0.1:$ZK_PORT: clusters $SHARDS_CLUSTER, $REPLICAS_CLUSTER"
  grep -v '^#' "$ENV_FILE"
}

# Stops the process whose pid is in $1 (TERM, then KILL after 15 s).
stop_pid_file() {
  local file="$1" name="$2" quiet="$3" pid
  if pid="$(running_pid "$file")"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( SECONDS + 15 ))
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS >= deadline )); then
        say "$name (pid $pid) ignored SIGTERM for 15s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
    [[ -n "$quiet" ]] || say "stopped $name (pid $pid)"
  elif [[ "$name" == "the server" && -z "$quiet" ]]; then
    say "not running"
  fi
}

stop() {
  local quiet="${1:-}"
  stop_pid_file "$PID_FILE" "the server" "$quiet"
  stop_pid_file "$NODE2_DIR/pid" "the second server" "$quiet"
  stop_pid_file "$ZK_DIR/pid" "ZooKeeper" "$quiet"
  # The state directory holds only the test servers' config, data and logs; remove it when we made it.
  if [[ -f "$MARKER" ]]; then
    rm -rf "$STATE_DIR"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) say "usage: $0 start|stop"; exit 2 ;;
esac
