#!/usr/bin/env bash
# Installs db-proxy on a systemd host, as root; safe to run again (upgrades in place).
#   ./install.sh              install or upgrade, enable and start the creator
#   ./install.sh --uninstall  remove the units and the program; keep configuration and data
#   ./install.sh --purge      also remove /etc/db-proxy, the state folder, the db-proxy user and
#                             the groups db-proxy and db-proxy-operators
# Paths can be moved with DB_PROXY_PREFIX, DB_PROXY_CONFIG_DIR, DB_PROXY_STATE_DIR (tests do).
set -euo pipefail
umask 022

SOURCE_DIR="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${DB_PROXY_PREFIX:-/opt/db-proxy}"
CONFIG_DIR="${DB_PROXY_CONFIG_DIR:-/etc/db-proxy}"
STATE_DIR="${DB_PROXY_STATE_DIR:-/var/lib/db-proxy}"
UNIT_DIR=/etc/systemd/system
BIN_LINK="${DB_PROXY_BIN:-/usr/local/bin/db-proxy}"
SERVICE_USER=db-proxy
SERVICE_GROUP=db-proxy
# People: drop requests, read verdicts, project folders and the status snapshot; never a secret.
OPERATORS_GROUP=db-proxy-operators
NODE_FLAGS="--max-semi-space-size=8 --expose-gc"

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

MODE=install
case "${1:-}" in
  '') ;;
  --uninstall) MODE=uninstall ;;
  --purge) MODE=purge ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; die "unknown option: $1" ;;
esac
[ "$#" -le 1 ] || die "at most one option, got: $*"

# Checks first: on a host where db-proxy cannot run, nothing is changed.
[ "$(id -u)" = 0 ] || die "must run as root (it creates a system user, /etc/db-proxy and systemd units)"
if [ ! -d /run/systemd/system ]; then
  die "this host is not running systemd (no /run/systemd/system): db-proxy runs its workers as systemd units. Nothing was changed."
fi
command -v systemctl >/dev/null || die "systemctl not found. Nothing was changed."

# The unit prefix (defaults.json may change it) as recorded by the last install.
UNIT_PREFIX=db-proxy
if [ -f "$PREFIX/install.env" ]; then
  # shellcheck disable=SC1091
  UNIT_PREFIX="$(. "$PREFIX/install.env" && echo "${UNIT_PREFIX:-db-proxy}")"
fi

# ---------------------------------------------------------------------------------------------
uninstall() {
  say "stopping and disabling the creator and every project unit (${UNIT_PREFIX}@*.service)"
  systemctl disable --now "${UNIT_PREFIX}-creator.service" "${UNIT_PREFIX}-monitor.service" 2>/dev/null || true
  local units
  units="$( (systemctl list-units --all --plain --no-legend "${UNIT_PREFIX}@*.service" 2>/dev/null | awk '{print $1}'
             find "$UNIT_DIR" -path "*.wants/${UNIT_PREFIX}@*.service" -printf '%f\n' 2>/dev/null) | sort -u)"
  for unit in $units; do
    systemctl disable --now "$unit" 2>/dev/null || true
  done
  rm -f "$UNIT_DIR/${UNIT_PREFIX}@.service" "$UNIT_DIR/${UNIT_PREFIX}-creator.service" "$UNIT_DIR/${UNIT_PREFIX}-monitor.service"
  # Drop-ins the creator wrote: only our own file, then the folder if that leaves it empty.
  for dir in "$UNIT_DIR/${UNIT_PREFIX}@"*.service.d; do
    [ -d "$dir" ] || continue
    rm -f "$dir/10-project.conf"
    rmdir "$dir" 2>/dev/null || true
  done
  systemctl daemon-reload
  systemctl reset-failed "${UNIT_PREFIX}@*.service" "${UNIT_PREFIX}-creator.service" "${UNIT_PREFIX}-monitor.service" 2>/dev/null || true
  rm -rf "$PREFIX"
  if [ -L "$BIN_LINK" ] || [ -f "$BIN_LINK" ]; then rm -f "$BIN_LINK"; fi
  say "removed the units and the program ($PREFIX, $BIN_LINK)"
}

if [ "$MODE" != install ]; then
  uninstall
  if [ "$MODE" = purge ]; then
    rm -rf "$CONFIG_DIR" "$STATE_DIR"
    if getent passwd "$SERVICE_USER" >/dev/null; then userdel "$SERVICE_USER"; fi
    if getent group "$SERVICE_GROUP" >/dev/null; then groupdel "$SERVICE_GROUP"; fi
    if getent group "$OPERATORS_GROUP" >/dev/null; then groupdel "$OPERATORS_GROUP"; fi
    say "purged $CONFIG_DIR, $STATE_DIR, the $SERVICE_USER user and the groups $SERVICE_GROUP and $OPERATORS_GROUP"
  else
    say "kept $CONFIG_DIR (configuration, credentials), $STATE_DIR (projects, verdicts) and the groups that own them; --purge removes them"
  fi
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Node >= 22 (Node 24 from the npm registry when the system's is older), then the build.
NODE_BIN_DIR="$("$SOURCE_DIR/scripts/ensure-node.sh")"
export PATH="$NODE_BIN_DIR:$PATH"
command -v npm >/dev/null || die "npm is needed to install the dependencies (apt-get install npm)"

# A change of unit_prefix in defaults.json: project units keep the name recorded in their folder,
# so with projects the change is refused (a second creator and duplicate workers would follow);
# without projects the units of the old prefix are replaced by the new ones.
NEW_PREFIX="$UNIT_PREFIX"
if [ -f "$CONFIG_DIR/defaults.json" ]; then
  NEW_PREFIX="$("$NODE_BIN_DIR/node" -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").replace(/^\uFEFF/,""));process.stdout.write(String(d.unit_prefix||"db-proxy"))' "$CONFIG_DIR/defaults.json")" \
    || die "cannot read unit_prefix from $CONFIG_DIR/defaults.json. Nothing was changed."
fi
if [ -f "$PREFIX/install.env" ] && [ "$NEW_PREFIX" != "$UNIT_PREFIX" ]; then
  PROJECTS_DIR="$("$NODE_BIN_DIR/node" -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8").replace(/^\uFEFF/,""));process.stdout.write(String(d.projects_dir||""))' "$CONFIG_DIR/defaults.json")"
  PROJECTS_DIR="${PROJECTS_DIR:-$STATE_DIR/projects}"
  projects="$(find "$PROJECTS_DIR" -mindepth 2 -maxdepth 2 -name project.json -not -path '*/.*' 2>/dev/null | wc -l)"
  if [ "$projects" -gt 0 ]; then
    die "unit_prefix changed from $UNIT_PREFIX to $NEW_PREFIX in $CONFIG_DIR/defaults.json, but $projects project(s) run as $UNIT_PREFIX@<database>.service. Set unit_prefix back to $UNIT_PREFIX, or remove the projects first (db-proxy remove <database>), then run install.sh again. Nothing was changed."
  fi
  say "unit_prefix changed from $UNIT_PREFIX to $NEW_PREFIX (no projects): replacing the units of $UNIT_PREFIX"
  systemctl disable --now "${UNIT_PREFIX}-creator.service" "${UNIT_PREFIX}-monitor.service" 2>/dev/null || true
  rm -f "$UNIT_DIR/${UNIT_PREFIX}@.service" "$UNIT_DIR/${UNIT_PREFIX}-creator.service" "$UNIT_DIR/${UNIT_PREFIX}-monitor.service"
  systemctl daemon-reload
fi
cd "$SOURCE_DIR"
# npm ci only when the lock file changed since the last install: a re-run stays quick and offline.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
say "building"
npm run --silent build

# The program: a fresh copy with production dependencies only, swapped in with renames.
say "installing the program into $PREFIX"
install -d -m 0755 "$PREFIX"
STAGE="$PREFIX/.app.new"
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp -a dist units templates requests package.json package-lock.json README.md "$STAGE/"
cp -a node_modules "$STAGE/"
(cd "$STAGE" && npm prune --omit=dev --no-audit --no-fund --offline >/dev/null)
# The exact Node binary chosen now is the one the units run: a copy outside /root, which
# ProtectHome= hides from the units.
install -d -m 0755 "$PREFIX/node/bin"
install -m 0755 "$NODE_BIN_DIR/node" "$PREFIX/node/bin/node.new"
mv -f "$PREFIX/node/bin/node.new" "$PREFIX/node/bin/node"
chmod -R u=rwX,go=rX "$STAGE"
APP_CHANGED=yes
if [ -d "$PREFIX/app" ] && diff -rq "$PREFIX/app" "$STAGE" >/dev/null 2>&1; then APP_CHANGED=no; fi
rm -rf "$PREFIX/.app.old"
[ -d "$PREFIX/app" ] && mv "$PREFIX/app" "$PREFIX/.app.old"
mv "$STAGE" "$PREFIX/app"
rm -rf "$PREFIX/.app.old"
NODE="$PREFIX/node/bin/node"
MAIN="$PREFIX/app/dist/cli/main.js"

cat > "$BIN_LINK.new" <<EOF
#!/bin/sh
# db-proxy, installed by install.sh from $SOURCE_DIR
exec $NODE $NODE_FLAGS $MAIN --config-dir $CONFIG_DIR --state-dir $STATE_DIR "\$@"
EOF
chmod 0755 "$BIN_LINK.new"
mv -f "$BIN_LINK.new" "$BIN_LINK"

# The service user and its group (the only readers of the secrets besides root), and the
# operators' group: people who submit requests and watch status, and may read no secret.
if ! getent group "$SERVICE_GROUP" >/dev/null; then
  groupadd --system "$SERVICE_GROUP"
  say "created the group $SERVICE_GROUP"
fi
if ! getent passwd "$SERVICE_USER" >/dev/null; then
  useradd --system --gid "$SERVICE_GROUP" --home-dir /nonexistent --no-create-home \
    --shell /usr/sbin/nologin --comment "db-proxy sync workers" "$SERVICE_USER"
  say "created the user $SERVICE_USER"
fi
if ! getent group "$OPERATORS_GROUP" >/dev/null; then
  groupadd --system "$OPERATORS_GROUP"
  say "created the group $OPERATORS_GROUP"
fi
# Before the operators had a group of their own they were members of $SERVICE_GROUP, which reads
# the secrets: each such member moves to $OPERATORS_GROUP.
for member in $(getent group "$SERVICE_GROUP" | cut -d: -f4 | tr ',' ' '); do
  [ "$member" != "$SERVICE_USER" ] || continue
  usermod -a -G "$OPERATORS_GROUP" "$member"
  gpasswd -d "$member" "$SERVICE_GROUP" >/dev/null
  say "moved $member from the group $SERVICE_GROUP (which reads the secrets) to $OPERATORS_GROUP (effective at their next login)"
done

# The monitor asks systemd for the units' states: as the service user over the D-Bus system bus
# where there is one (its unit pulls in dbus.socket), else as root over systemd's private socket.
MONITOR_USER=root
MONITOR_GROUP=root
if systemctl cat dbus.socket >/dev/null 2>&1; then
  MONITOR_USER="$SERVICE_USER"
  MONITOR_GROUP="$SERVICE_GROUP"
fi

# Private configuration: created once, never overwritten. The folder and defaults.json are the
# operators' group's (they hold no secret; the units read them as members); the secrets are the
# service group's alone, and reader.env (the read-only MongoDB URL of query) the operators'.
install -d -m 0750 -o root -g "$OPERATORS_GROUP" "$CONFIG_DIR"
if [ ! -e "$CONFIG_DIR/defaults.json" ]; then
  install -m 0640 -o root -g "$OPERATORS_GROUP" /dev/null "$CONFIG_DIR/defaults.json"
  cat > "$CONFIG_DIR/defaults.json" <<'EOF'
{
  "unit_prefix": "db-proxy",
  "mongo_database": "db_proxy",
  "log_level": "info",
  "debug": false,
  "heartbeat_interval_seconds": 60,
  "heartbeat_overdue_seconds": 7200
}
EOF
  say "wrote $CONFIG_DIR/defaults.json (every key is described in the README)"
fi
# Secrets, one file per reader, because systemd hands a unit whole files (LoadCredential=):
# mongo.env (MONGO_URL: workers, monitor), credentials.d/<name>.env (a MySQL login: the workers of
# the servers naming it; default.env for the others), credentials.env (SLACK_WEBHOOK_URL: monitor).
install -d -m 0750 -o root -g "$SERVICE_GROUP" "$CONFIG_DIR/credentials.d"
# An install from before the split kept everything in credentials.env: its lines move, verbatim.
move_secret_lines() { # <pattern> <target file> <what>
  local pattern="$1" target="$2" kept
  [ -e "$CONFIG_DIR/credentials.env" ] && [ ! -e "$target" ] || return 0
  grep -Eq "$pattern" "$CONFIG_DIR/credentials.env" || return 0
  install -m 0640 -o root -g "$SERVICE_GROUP" /dev/null "$target.new"
  grep -E "$pattern" "$CONFIG_DIR/credentials.env" > "$target.new"
  mv -f "$target.new" "$target"
  kept="$(mktemp "$CONFIG_DIR/.credentials.env.XXXXXX")"
  { grep -Ev "$pattern" "$CONFIG_DIR/credentials.env" || true; echo "# $3 moved to $target by install.sh"; } > "$kept"
  chown root:"$SERVICE_GROUP" "$kept"
  chmod 0640 "$kept"
  mv -f "$kept" "$CONFIG_DIR/credentials.env"
  say "moved $3 from $CONFIG_DIR/credentials.env to $target"
}
move_secret_lines '^[[:space:]]*(export[[:space:]]+)?MONGO_URL=' "$CONFIG_DIR/mongo.env" MONGO_URL
move_secret_lines '^[[:space:]]*(export[[:space:]]+)?MYSQL_(USER|PASSWORD)=' "$CONFIG_DIR/credentials.d/default.env" 'MYSQL_USER and MYSQL_PASSWORD'
# A configuration file's template (its text on stdin), written only when the file does not exist.
write_template() { # <file> <group> <what to fill in, for the message; empty: say nothing>
  local file="$1" group="$2" fill="$3"
  if [ -e "$file" ]; then cat >/dev/null; return 0; fi
  install -m 0640 -o root -g "$group" /dev/null "$file"
  cat > "$file"
  [ -z "$fill" ] || say "wrote the template $file: fill in $fill"
}
write_template "$CONFIG_DIR/credentials.env" "$SERVICE_GROUP" '' <<'EOF'
# db-proxy: the monitor's secret; readable by root and the db-proxy group only (0640).
# Slack incoming webhook for the monitor's alerts (optional).
SLACK_WEBHOOK_URL=
EOF
write_template "$CONFIG_DIR/mongo.env" "$SERVICE_GROUP" MONGO_URL <<'EOF'
# db-proxy: the MongoDB URL of the workers (readWrite on the pivot database) and the monitor.
MONGO_URL=
EOF
write_template "$CONFIG_DIR/credentials.d/default.env" "$SERVICE_GROUP" 'MYSQL_USER and MYSQL_PASSWORD' <<'EOF'
# db-proxy: the MySQL login of servers without "credentials" in mysql.servers of defaults.json.
# Other logins: credentials.d/<name>.env with the same two keys, 0640 root:db-proxy.
MYSQL_USER=
MYSQL_PASSWORD=
EOF
write_template "$CONFIG_DIR/reader.env" "$OPERATORS_GROUP" 'MONGO_READ_URL (a MongoDB user with the read role)' <<'EOF'
# db-proxy: the MongoDB URL of readers of pivot rows (db-proxy query, the library): a user with
# the read role on the pivot database only. Readable by the db-proxy-operators group (0640).
MONGO_READ_URL=
EOF
chown root:"$OPERATORS_GROUP" "$CONFIG_DIR/defaults.json" "$CONFIG_DIR/reader.env"
chown root:"$SERVICE_GROUP" "$CONFIG_DIR/credentials.env" "$CONFIG_DIR/mongo.env"
chmod g-w,o-rwx "$CONFIG_DIR/defaults.json" "$CONFIG_DIR/reader.env" "$CONFIG_DIR/credentials.env" "$CONFIG_DIR/mongo.env"
find "$CONFIG_DIR/credentials.d" -maxdepth 1 -type f -exec chown root:"$SERVICE_GROUP" {} + -exec chmod g-w,o-rwx {} +

# State: the operators' group drops requests (setgid: files keep the group; sticky: only a
# request's owner can rename or delete it) and reads verdicts, projects and the status snapshot;
# only root (the creator) writes the rest; the journal of requests under way is root's alone.
# install -d also sets the mode and group of a folder that exists, so an older install's folders
# change hands here, and what they hold with them (-h: a symbolic link dropped as a request is
# changed itself, never what it points to).
install -d -m 0750 -o root -g "$OPERATORS_GROUP" "$STATE_DIR"
install -d -m 3770 -o root -g "$OPERATORS_GROUP" "$STATE_DIR/requests"
for dir in processed failed projects archive; do
  install -d -m 2750 -o root -g "$OPERATORS_GROUP" "$STATE_DIR/$dir"
done
for dir in requests processed failed projects archive; do
  find "$STATE_DIR/$dir" -mindepth 1 -group "$SERVICE_GROUP" -exec chgrp -h "$OPERATORS_GROUP" {} +
done
install -d -m 0700 -o root -g root "$STATE_DIR/inflight"
# The monitor's own folders: its alert state, and the snapshot the operators' group reads.
install -d -m 0700 -o "$MONITOR_USER" -g "$MONITOR_GROUP" "$STATE_DIR/monitor"
find "$STATE_DIR/monitor" -mindepth 1 -exec chown -h "$MONITOR_USER:$MONITOR_GROUP" {} +
install -d -m 2750 -o "$MONITOR_USER" -g "$OPERATORS_GROUP" "$STATE_DIR/status"
find "$STATE_DIR/status" -mindepth 1 -exec chown -h "$MONITOR_USER:$OPERATORS_GROUP" {} +

# Units, rendered with the paths above; the prefix comes from defaults.json.
RENDERED="$(mktemp -d)"
trap 'rm -rf "$RENDERED"' EXIT
"$NODE" "$MAIN" --config-dir "$CONFIG_DIR" --state-dir "$STATE_DIR" render-units \
  --out "$RENDERED" --node "$NODE" --app-dir "$PREFIX/app" --user "$SERVICE_USER" --group "$SERVICE_GROUP" \
  --operators-group "$OPERATORS_GROUP" --monitor-user "$MONITOR_USER" >/dev/null
UNIT_PREFIX="$("$NODE" -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(d.unit_prefix||"db-proxy")' "$CONFIG_DIR/defaults.json")"
UNITS_CHANGED=no
for file in "$RENDERED"/*; do
  name="$(basename "$file")"
  if ! cmp -s "$file" "$UNIT_DIR/$name"; then
    install -m 0644 "$file" "$UNIT_DIR/$name"
    UNITS_CHANGED=yes
    say "installed $UNIT_DIR/$name"
  fi
done
cat > "$PREFIX/install.env" <<EOF
# Written by install.sh; read by install.sh --uninstall.
UNIT_PREFIX=$UNIT_PREFIX
CONFIG_DIR=$CONFIG_DIR
STATE_DIR=$STATE_DIR
NODE=$NODE
EOF
systemctl daemon-reload

CREATOR="${UNIT_PREFIX}-creator.service"
MONITOR="${UNIT_PREFIX}-monitor.service"
systemctl enable "$CREATOR" "$MONITOR" >/dev/null 2>&1
if [ "$(systemctl is-active "$CREATOR" 2>/dev/null)" = active ] && { [ "$APP_CHANGED" = yes ] || [ "$UNITS_CHANGED" = yes ]; }; then
  say "restarting the creator, the monitor and the running projects on the new version"
  systemctl restart "$CREATOR" "$MONITOR"
  systemctl try-restart "${UNIT_PREFIX}@*.service" || true
else
  systemctl start "$CREATOR" "$MONITOR"
fi
[ "$(systemctl is-active "$CREATOR")" = active ] || die "$CREATOR did not start: systemctl status $CREATOR; journalctl -u $CREATOR"

cat <<EOF

db-proxy is installed; $CREATOR and $MONITOR are running.
Next:
  1. Fill in $CONFIG_DIR/mongo.env (MONGO_URL), $CONFIG_DIR/credentials.d/default.env
     (MYSQL_USER, MYSQL_PASSWORD; other logins: credentials.d/<name>.env), optionally
     SLACK_WEBHOOK_URL in $CONFIG_DIR/credentials.env, MONGO_READ_URL (a MongoDB user with the read
     role) in $CONFIG_DIR/reader.env for query, and review $CONFIG_DIR/defaults.json.
  2. Let operators submit and watch: usermod -aG $OPERATORS_GROUP <user> (then log in again).
     Never add people to $SERVICE_GROUP: it reads the secrets.
  3. As an operator: cp -r $PREFIX/app/requests ~/db-proxy && cd ~/db-proxy
     then edit requests/request.json (remove the "_" of each key) and run: db-proxy submit
  4. Watch: db-proxy status; systemctl status '${UNIT_PREFIX}@*'; journalctl -u $CREATOR -f
Uninstall: $SOURCE_DIR/install.sh --uninstall (keeps configuration and data) or --purge.
EOF
