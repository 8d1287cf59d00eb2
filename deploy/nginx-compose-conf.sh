#!/bin/sh
# Writes deploy/nginx.compose.conf: deploy/nginx.conf (the tested one-machine recipe) with the
# node addresses 127.0.0.1:3001-3003 / 4001-4003 replaced by the compose services
# parley1-parley3 on ports 3000 / 4000. Nothing else changes, so nginx.conf stays the one
# source of truth; test/integration/deploy-files.test.ts checks the output is current.
# Usage: sh deploy/nginx-compose-conf.sh > deploy/nginx.compose.conf
set -eu
here=$(dirname "$0")
echo '# GENERATED from deploy/nginx.conf by deploy/nginx-compose-conf.sh: edit nginx.conf and rerun.'
echo '# For compose.yaml: the nodes are the services parley1-parley3 (HTTP 3000, TCP 4000 each).'
sed -e 's/server 127\.0\.0\.1:300\([1-3]\) /server parley\1:3000 /' \
    -e 's/server 127\.0\.0\.1:400\([1-3]\) /server parley\1:4000 /' \
    "$here/nginx.conf"
