#!/bin/sh
# Container entrypoint. The appliance migrates its own database before anything else (safe to
# repeat). Platform nodes do not: several start at once, so the one-shot `migrate` service of
# docker-compose.yml (or `ebanista migrate` in the release step) does it, and nodes refuse to
# serve an outdated schema.
set -e
if [ "${EBANISTA_MODE:-appliance}" != "platform" ]; then
  ebanista migrate
fi
exec ebanista "$@"
