#!/bin/sh
# Starts a Chorus node in a container. CLUSTER_HOST must be the address peers reach this container on:
# services with a fixed address set it; scaled-out replicas get theirs from the container's own address.
set -eu
if [ -z "${CLUSTER_HOST:-}" ]; then
  CLUSTER_HOST=$(hostname -i | awk '{print $1}')
  export CLUSTER_HOST
fi
exec java -XX:MaxRAMPercentage=75 -jar /app/chat-server.jar "$@"
