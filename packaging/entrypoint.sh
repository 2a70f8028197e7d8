#!/bin/sh
# Container entrypoint: migrate first (safe to repeat), then run the given ebanista command.
set -e
ebanista migrate
exec ebanista "$@"
