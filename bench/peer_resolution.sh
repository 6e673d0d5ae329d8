#!/usr/bin/env bash
# Policy resolution, ours beside postfix-mta-sts-resolver's, on one loopback world
# (issue 7, item 1). scripts/bench runs this; by hand:
#   unshare -mn bench/peer_resolution.sh MTASTS_SIM RESOLVE_COST [DOMAINS]
# It must run in a private network and mount namespace (root): there `mtasts-sim serve`
# owns 127.53.0.1:53 and 127.44.0.N:443, and a resolv.conf naming 127.53.0.1 is mounted
# over /etc/resolv.conf, which is how the peer finds our DNS server (aiodns uses c-ares,
# which reads /etc/resolv.conf; aiohttp resolves the policy host with getaddrinfo, which
# does too). The peer trusts our CA through SSL_CERT_FILE (Python's default context loads
# OpenSSL's default paths, which honour it).
#
# The world: DOMAINS domains dN.test, each with an `_mta-sts` TXT record and a policy host
# mta-sts.dN.test serving an enforce policy with two mx lines. Prints key=value lines:
#   who=ours|peer mode=... resolutions= errors= median_ms= p90_ms= per_s=
set -euo pipefail
sim=$(realpath "$1"); resolve_cost=$(realpath "$2"); domains=${3:-50}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"
ip link set lo up

{
  echo '[world]'; echo "start = $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo 'seed = 5'; echo
  echo '[profile.default]'; echo 'tls = "preferred"'; echo
  for i in $(seq 1 "$domains"); do
    printf '[[dns]]\nname = "_mta-sts.d%s.test"\ntype = "TXT"\ndata = "v=STSv1; id=20240101T%s;"\n\n' "$i" "$i"
    printf '[policy_host."d%s.test"]\nbody = """\nversion: STSv1\nmode: enforce\nmx: mx.d%s.test\nmx: *.backup.d%s.test\nmax_age: 86400\n"""\n' "$i" "$i" "$i"
    printf 'cert = { names = ["mta-sts.d%s.test"] }\n\n' "$i"
  done
} > world.toml
"$sim" serve world.toml --ready-file ready.json --ca-file ca.pem > serve.log 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do [[ -s ready.json ]] && break; sleep 0.1; done
[[ -s ready.json ]] || { cat serve.log >&2; echo "peer_resolution: the world did not come up" >&2; exit 1; }
echo "nameserver 127.53.0.1" > resolv.conf
mount --bind resolv.conf /etc/resolv.conf
list=$(seq -f 'd%g.test' 1 "$domains")

# Ours: cold (TXT, then fetch) and warm (TXT, cached policy applies), one at a time and 8 at once.
"$resolve_cost" --nameserver 127.53.0.1:53 --trust-store ca.pem --rounds 4 --parallel 8 $list | sed 's/^/who=ours /'

# The peer: one daemon whose cache answers within cache_grace (60 s, its default) without
# DNS, and one with cache_grace 0, which checks the TXT id on every query (like ours warm).
daemon() {  # PORT GRACE
  cat > "daemon-$1.yml" <<EOF
host: 127.0.0.1
port: $1
reuse_port: true
cache_grace: $2
cache:
  type: internal
  options:
    cache_size: 10000
default_zone:
  strict_testing: false
  timeout: 4
EOF
  SSL_CERT_FILE=$tmp/ca.pem /usr/bin/mta-sts-daemon -c "daemon-$1.yml" -v error --disable-uvloop > "daemon-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  cat "daemon-$1.log" >&2; echo "peer_resolution: mta-sts-daemon did not start" >&2; exit 1
}
daemon 8461 60
daemon 8462 0
client=("/usr/bin/python3" "$here/socketmap_client.py")
"${client[@]}" --port 8461 --mode cold $list | sed 's/^/who=peer /'
"${client[@]}" --port 8462 --parallel 8 --mode cold_parallel $list | sed 's/^/who=peer /'
"${client[@]}" --port 8462 --rounds 4 --mode warm $list | sed 's/^/who=peer /'
"${client[@]}" --port 8462 --rounds 4 --parallel 8 --mode warm_parallel $list | sed 's/^/who=peer /'
"${client[@]}" --port 8461 --rounds 4 --mode cache_hit $list | sed 's/^/who=peer /'
"${client[@]}" --port 8461 --rounds 4 --parallel 8 --mode cache_hit_parallel $list | sed 's/^/who=peer /'
