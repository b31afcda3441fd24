#!/usr/bin/env bash
# `npm run test:compose`: the image and docker-compose.yml, checked as a new user would meet them,
# in a fresh clone of the committed HEAD. Not part of CI (it needs root and a container engine):
# run it after changing the Dockerfile, the compose file or what the image ships.
#
# On a machine without Docker, ../shared/tools/container-engine.sh (or CONTAINER_ENGINE_SETUP)
# sets up podman and podman-compose with local stand-ins for the base images.
#
# Checks: the default environment (no variable set) starts everything on ports 8080 and 8090;
# the image builds with no registry (--pull=never) on Node 22, runs as a non-root user and ships
# no tsx or esbuild; `compose up` with no clients file creates one (keys in a file, never in a
# log); every service's healthcheck passes; a dossier posted to the API reaches the simulator and
# is delivered; `lienthong doctor` runs in the api service; a signed portal callback is accepted
# (the secret is wired through); the API scales to two replicas; a clients file made on the host
# is installed and readable; the clean-up leaves no container, volume or network of the project.
set -euo pipefail
# No reader in a pipeline stops early (head, grep -q): with pipefail, the writer's SIGPIPE would
# end the run with 141 and no message, or turn a check's "found" into "not found".
repo="$(cd "$(dirname "$0")/.." && pwd)"
project="lt-compose-test-$$"
fail () { echo "test:compose: FAIL: $*" >&2; exit 1; }
step () { echo "test:compose: $*"; }

if ! command -v podman-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
  setup="${CONTAINER_ENGINE_SETUP:-$repo/../shared/tools/container-engine.sh}"
  [ -f "$setup" ] || fail "no container engine, and no $setup to set one up"
  NODE_MAJORS="20 22" bash "$setup"
fi
if command -v podman-compose >/dev/null 2>&1; then
  engine=podman; compose=(podman-compose -p "$project")
else
  engine=docker; compose=(docker compose -p "$project")
fi
[ -z "$(git -C "$repo" status --porcelain)" ] || echo "test:compose: note: uncommitted changes are not tested (fresh clone of HEAD)"

work="$(mktemp -d)"
git clone -q "$repo" "$work/p"
cd "$work/p"
# The first run uses the default environment, as the README's `up -d` does: host ports 8080, 8090.
port_free () { node -e "const s=require('net').createServer().once('error',()=>process.exit(1)).listen($1,()=>s.close())"; }
for p in 8080 8090; do port_free "$p" || fail "host port $p is taken: the default environment needs it"; done
unset API_PUBLISH SIMULATOR_PORT API_REPLICAS
SIMULATOR_PORT=8090
cleanup () {
  status=$?
  if [ "$status" -ne 0 ]; then
    for c in $($engine ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'); do
      echo "--- logs of $c"; $engine logs --tail 30 "$c" 2>&1 | cut -c1-400
    done
  fi
  # With the most replicas any step ran, so that every container, volume and network goes.
  API_REPLICAS=2 "${compose[@]}" down -v >/dev/null 2>&1 || true
  # podman-compose's `down` removes no network, and a container it did not start itself (the
  # second API replica, after the project was taken down and up again) can outlive it: remove
  # what still carries the project's label, containers first since they hold volumes and networks.
  for c in $($engine ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'); do $engine rm -f "$c" >/dev/null 2>&1 || true; done
  for v in $($engine volume ls --filter "label=com.docker.compose.project=$project" --format '{{.Name}}'); do $engine volume rm -f "$v" >/dev/null 2>&1 || true; done
  for n in $($engine network ls --filter "label=com.docker.compose.project=$project" --format '{{.Name}}'); do $engine network rm "$n" >/dev/null 2>&1 || true; done
  left="$($engine ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}')$($engine volume ls --filter "label=com.docker.compose.project=$project" --format '{{.Name}}')$($engine network ls --filter "label=com.docker.compose.project=$project" --format '{{.Name}}')"
  if [ -n "$left" ]; then echo "test:compose: FAIL: left behind: $left" >&2; [ "$status" -eq 0 ] && status=1; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

step "building the image (no registry)"
$engine build --pull=never --format docker -t localhost/lienthong:latest . >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "image build"; }
[ "$($engine run --rm localhost/lienthong:latest node -p 'process.versions.node.split(".")[0]')" = 22 ] || fail "the image is not on Node 22"
[ "$($engine run --rm localhost/lienthong:latest id -u)" != 0 ] || fail "the image runs as root"
# (typescript itself arrives as a peer of valibot, through @bull-board/api; the compiler is never run)
for m in tsx esbuild; do
  if $engine run --rm localhost/lienthong:latest test -e "node_modules/$m"; then fail "$m ships in the runtime image"; fi
done
if grep -q '^# syntax=' Dockerfile; then fail "the Dockerfile asks BuildKit for a frontend"; fi

names_of () { $engine ps -a --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}'; }
name_of () { $engine ps -a --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | sed -n "${2:-1}p"; }
wait_healthy () {
  local c="$1" i
  for i in $(seq 1 60); do
    if [ "$engine" = podman ]; then
      # Podman without systemd runs no healthcheck by itself: run it.
      $engine healthcheck run "$c" >/dev/null 2>&1 && return 0
    else
      [ "$($engine inspect -f '{{.State.Health.Status}}' "$c")" = healthy ] && return 0
    fi
    sleep 1
  done
  fail "$c never became healthy"
}

step "compose up with no clients file (first run)"
rm -f config/clients.json
"${compose[@]}" up -d >"$work/up.log" 2>&1 || { tail -30 "$work/up.log"; fail "compose up"; }
init="$(name_of init)"
for i in $(seq 1 60); do
  state="$($engine inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$init")"
  [ "$state" = "exited 0" ] && break
  [ "${state%% *}" = exited ] && fail "init exited: $state"
  sleep 1
done
# podman-compose ignores depends_on conditions: a gateway that started before init finished
# read no (or the old) clients file. Docker Compose waits for init by itself.
restart_gateways () { [ "$engine" = podman ] && $engine restart $(names_of api) $(names_of worker) >/dev/null; return 0; }
restart_gateways
for s in redis simulator api worker; do wait_healthy "$(name_of "$s")"; step "$s healthy"; done
api="$(name_of api)"
keys="$($engine exec "$api" cat /config/initial-keys.txt)"
if $engine logs "$init" 2>&1 | grep -F >/dev/null "$(sed -n 's/^admin ([^)]*): //p' <<<"$keys")"; then fail "a first-run key is in the init log"; fi
admin_key="$(sed -n 's/^admin ([^)]*): //p' <<<"$keys")"
sector_key="$(sed -n 's/^civil-status ([^)]*): //p' <<<"$keys")"
[ -n "$admin_key" ] && [ -n "$sector_key" ] || fail "initial-keys.txt lacks the admin or the civil-status key"
api_url="http://$($engine port "$api" 8080 | sed -n 1p)"
[ "$api_url" = "http://0.0.0.0:8080" ] || [ "$api_url" = "http://127.0.0.1:8080" ] || fail "the API is on $api_url, not host port 8080"
code="$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/health/live)"
[ "$code" = 200 ] || fail "the API does not answer on localhost:8080 ($code)"
api_url="http://127.0.0.1:8080"

step "a dossier through the API to the simulator"
reply="$(curl -fsS -X POST "$api_url/v1/inbound/civil-status" -H 'content-type: application/json' -H "x-api-key: $sector_key" --data @fixtures/samples/civil-status.json)"
ma_ho_so="$(node -p 'JSON.parse(process.argv[1]).maHoSo' "$reply")"
for i in $(seq 1 60); do
  state="$(curl -fsS "$api_url/v1/dossiers/$ma_ho_so" -H "x-api-key: $admin_key" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).sync.state')"
  [ "$state" = delivered ] && break
  sleep 1
done
[ "$state" = delivered ] || fail "$ma_ho_so is $state, not delivered"
curl -fsS "http://127.0.0.1:$SIMULATOR_PORT/_sim/received" | grep -F "$ma_ho_so" >/dev/null || fail "the simulator did not receive $ma_ho_so"

step "the image's CLI: lienthong doctor in the api service, as docs/operations.md says"
doctor="$($engine exec "$api" lienthong doctor 2>&1)" || { echo "$doctor" | tail -5; fail "lienthong doctor found drift or could not run"; }
grep -F "không có sai lệch" >/dev/null <<<"$doctor" || fail "lienthong doctor does not speak Vietnamese: $doctor"

step "a signed portal callback (the secret reaches the gateway)"
cb="$(curl -fsS -X POST "http://127.0.0.1:$SIMULATOR_PORT/_sim/callbacks" -H 'content-type: application/json' \
  --data "{\"url\":\"http://api:8080/v1/portal/callbacks\",\"maxAttempts\":1,\"event\":{\"LoaiSuKien\":\"DanhGia\",\"MaHoSo\":\"$ma_ho_so\",\"DuLieu\":{\"DiemDanhGia\":5}}}")"
node -e 'const r=JSON.parse(process.argv[1]); if (r.finalStatus !== 200) { console.error(r.attempts); process.exit(1) }' "$cb" || fail "the gateway refused a signed callback"

step "two API replicas"
# podman-compose adds no replica to a running project: take it down (keeping its volumes) first.
[ "$engine" = podman ] && "${compose[@]}" down >/dev/null 2>&1
# Two replicas cannot share host port 8080: an ephemeral port each, as the README says.
export API_PUBLISH="127.0.0.1::8080"
API_REPLICAS=2 "${compose[@]}" up -d >"$work/scale.log" 2>&1 || { tail -30 "$work/scale.log"; fail "scale"; }
restart_gateways
api2="$(name_of api 2)"
[ -n "$api2" ] && [ "$api2" != "$api" ] || fail "no second API replica"
wait_healthy "$api2"
wait_healthy "$(name_of api)"

step "a clients file made on the host is installed, readable by the gateway's user"
# With the image's CLI: the clone has no node_modules. Mode 0600 and the host user's uid, as
# `npm run client` leaves it: the init service must make it readable by the gateway's user.
$engine run --rm -v "$PWD/config:/out" --user 0 localhost/lienthong:latest sh -c \
  "node dist/cli/lienthong.js keys issue ops --role viewer --file /out/clients.json >/out/key.txt 2>/dev/null && chown $(id -u):$(id -g) /out/clients.json /out/key.txt"
npm_key="$(sed -n 's/.*: //p' config/key.txt)"; rm -f config/key.txt
[ -n "$npm_key" ] || fail "could not issue a key on the host"
chmod 600 config/clients.json
"${compose[@]}" up -d --force-recreate >"$work/up2.log" 2>&1 || { tail -30 "$work/up2.log"; fail "compose up with a host clients file"; }
init="$(name_of init)"
for i in $(seq 1 60); do [ "$($engine inspect -f '{{.State.Status}}' "$init")" = exited ] && break; sleep 1; done
[ "$($engine inspect -f '{{.State.ExitCode}}' "$init")" = 0 ] || fail "init failed on the host's clients file"
restart_gateways
api="$(name_of api)"
wait_healthy "$api"
api_url="http://$($engine port "$api" 8080 | sed -n 1p)"
code="$(curl -s -o /dev/null -w '%{http_code}' "$api_url/v1/admin/audit" -H "x-api-key: $npm_key")"
[ "$code" = 200 ] || fail "the host's clients file was not installed: the viewer key got $code"
code="$(curl -s -o /dev/null -w '%{http_code}' "$api_url/v1/admin/audit" -H "x-api-key: $admin_key")"
[ "$code" = 401 ] || fail "the first-run key still works after the host's file replaced it ($code)"

step "all checks passed"
