#!/usr/bin/env bash
# make-certs.sh DIR [PARTIES] — creates a local certificate authority and one
# TLS certificate per party (CN = sqt-party-<id>) for tests and demos.
#
# Files: DIR/ca.pem (give to every party), DIR/ca.key (keep offline),
# DIR/party<ID>.pem and DIR/party<ID>.key (give to party ID only).
# For a real deployment each party should create its own key and have the
# agreed CA sign it; see README.md, "Training across hosts".
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR [PARTIES]}
parties=${2:-3}
command -v openssl >/dev/null || { echo "make-certs.sh: openssl is not installed (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" -subj "/CN=sqt local CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
for ((i = 0; i < parties; i++)); do
  ext=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:sqt-party-%d\nextendedKeyUsage=serverAuth,clientAuth\n' "$i" > "$ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/party$i.key" -out "$dir/party$i.csr" -subj "/CN=sqt-party-$i" 2>/dev/null
  openssl x509 -req -in "$dir/party$i.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 825 -out "$dir/party$i.pem" -extfile "$ext" 2>/dev/null
  rm -f "$dir/party$i.csr" "$ext"
done
rm -f "$dir/ca.srl"
chmod 644 "$dir"/*.pem
echo "made a CA and $parties party certificates in $dir"
