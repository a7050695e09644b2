#!/usr/bin/env bash
# Answers "how long does a full email + domain + edge audit of three names take, in how much
# memory, next to testssl.sh and sslscan on the same endpoints, and do they agree?": takes
# launchgate from a Release build (it builds nothing), makes a test CA and three leaves (EC P-256)
# with the openssl command line, and starts three `openssl s_server -www` endpoints on free
# loopback ports:
#   portal.test       TLS 1.2 and 1.3, ECDHE-ECDSA AES-GCM and ChaCha20 only (Mozilla
#                     intermediate); a sound leaf for the name, valid 90 days
#   app.portal.test   TLS 1.0 to 1.3, every suite OpenSSL offers at security level 0; a sound
#                     leaf for the name, valid 90 days
#   www.portal.test   TLS 1.2 only, with CBC-SHA1 and anonymous (AECDH) suites added; the planted
#                     certificate problem: the leaf is issued for other.portal.test (CN and only
#                     SAN) and expires in 5 days
# A zone file (portal.test: A records on 127.0.0.1, MX, SPF, DKIM, DMARC, MTA-STS, CAA) answers
# launchgate's DNS offline; testssl.sh and sslscan are pointed at 127.0.0.1 with the names as SNI.
# Then, RUNS times in turns:
#   launchgate  `launchgate audit -c CONFIG --only email,domain,edge --format json`
#   testssl.sh  `testssl (Debian names it so) --quiet --color 0 --warnings off --ip 127.0.0.1
#               --add-ca ca.pem --jsonfile F NAME:PORT` per endpoint (protocols, ciphers per
#               protocol, certificate, vulnerabilities: its default run; --add-ca so that it
#               judges the chain against the bench CA, as launchgate does through domain.ca_file)
#   sslscan     `sslscan --no-colour --xml=F --sni-name=NAME 127.0.0.1:PORT` per endpoint
# Wall time and peak RSS come from /usr/bin/time. After the runs, the verdicts of the three tools
# are printed side by side in two tables: protocols (accepted SSLv3/TLS 1.0/1.1/1.2/1.3 per
# endpoint, and whether a weak suite class — NULL, anonymous, EXPORT, RC4, DES/3DES — was seen)
# and the leaf certificate (key type and bits, not-after day, whether it covers the name, whether
# it expires within 30 days, whether the chain is trusted). sslscan prints the certificate's
# fields but judges none of them: the report matches its altnames against the name and counts
# the days to its not-valid-after itself, and says "not judged" for the chain. A cell where a
# tool disagrees with launchgate is marked DIFFERS.
#
# usage: bench/domain-tls.sh [--runs N] [--no-testssl] [--no-sslscan]
#   BUILD=DIR  a Release build dir holding bin/launchgate (default build-bench-domain)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-bench-domain}
runs=5 with_testssl=1 with_sslscan=1
tool_timeout=${TOOL_TIMEOUT:-600}
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --no-testssl) with_testssl=0; shift ;;
    --no-sslscan) with_sslscan=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -d $build ]] && build=$(cd "$build" && pwd) # the runs happen in a scratch dir
lg=$build/bin/launchgate
[[ -x $lg ]] || { echo "no $lg: cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DLG_TESTS=OFF && cmake --build $build" >&2; exit 2; }
testssl=$(command -v testssl.sh || command -v testssl || true)
[[ -n $testssl ]] || with_testssl=0
command -v sslscan >/dev/null || with_sslscan=0

work=$(mktemp -d /tmp/lg-bench-domain-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# --- the PKI ---------------------------------------------------------------------------------
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 365 -subj "/CN=launchgate bench CA" 2>/dev/null
leaf() { # file name, the name the certificate is issued for (CN and only SAN), days valid
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
    -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=DNS:%s\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$3" \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
names=(portal.test app.portal.test www.portal.test)
leaf portal.test portal.test 90
leaf app.portal.test app.portal.test 90
leaf www.portal.test other.portal.test 5 # the planted certificate problem: wrong name, 5 days left

declare -A port
start_server() { # name, options...
  local name=$1; shift
  local p; p=$(free_port)
  openssl s_server -accept "127.0.0.1:$p" -cert "$name.pem" -key "$name.key" -www -quiet "$@" \
    >"$name.log" 2>&1 &
  pids+=($!)
  port[$name]=$p
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "s_server for $name did not start" >&2; exit 1
}
start_server portal.test -no_tls1 -no_tls1_1 \
  -cipher 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305'
start_server app.portal.test -cipher 'ALL:@SECLEVEL=0'
start_server www.portal.test -tls1_2 \
  -cipher 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA:AECDH-AES128-SHA:@SECLEVEL=0'

cat > portal.test.zone <<'EOF'
$ORIGIN portal.test.
$TTL 300
@        IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@        IN NS  ns1
ns1      IN A   127.0.0.1
@        IN A   127.0.0.1
app      IN A   127.0.0.1
www      IN A   127.0.0.1
@        IN MX  10 mail
mail     IN A   127.0.0.1
@        IN TXT "v=spf1 mx -all"
_dmarc   IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@portal.test"
s1._domainkey IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
_mta-sts IN TXT "v=STSv1; id=1"
@        IN CAA 0 issue "letsencrypt.org"
EOF
cat > launchgate.yaml <<EOF
target:
  base_url: https://portal.test:${port[portal.test]}
  max_rps: 1000
domain:
  names: ["portal.test:${port[portal.test]}", "app.portal.test:${port[app.portal.test]}",
          "www.portal.test:${port[www.portal.test]}"]
  http_port: $(free_port)
  ca_file: $work/ca.pem
email: {domain: portal.test, dkim_selectors: [s1]}
dns: {zone_file: portal.test.zone}
EOF

# --- the runs --------------------------------------------------------------------------------
timed() { # label, command...: appends "label wall_s rss_kb" to times.txt
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o t.txt timeout "$tool_timeout" "$@" >/dev/null 2>"err-$label.txt" || true
  echo "$label $(cat t.txt | tail -1)" >> times.txt
}
: > times.txt
for r in $(seq "$runs"); do
  timed launchgate "$lg" audit -c launchgate.yaml --only email,domain,edge --format json \
    -o "lg-$r.json"
  if ((with_sslscan)); then
    for n in "${names[@]}"; do
      timed "sslscan:$n" sslscan --no-colour --xml="sslscan-$n-$r.xml" --sni-name="$n" \
        "127.0.0.1:${port[$n]}"
    done
  fi
  if ((with_testssl)) && ((r <= 2)); then # testssl.sh takes minutes: two runs
    for n in "${names[@]}"; do
      rm -f "testssl-$n-$r.json"
      timed "testssl:$n" "$testssl" --quiet --color 0 --warnings off --ip 127.0.0.1 \
        --add-ca ca.pem --jsonfile "testssl-$n-$r.json" "$n:${port[$n]}"
    done
  fi
done

python3 "$root/bench/domain-tls-report.py" "$work" "${names[@]}"
