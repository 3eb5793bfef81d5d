#!/usr/bin/env bash
# Downloads an artifact, retrying once when the download is killed.
set -uo pipefail
url=https://example.com/artifact.tgz
for attempt in 1 2; do
  curl -fsSL -o artifact.tgz "$url"
  status=$?
  if [ "$status" -eq 0 ]; then
    echo "downloaded on attempt $attempt"
    exit 0
  fi
  if [ "$status" -gt 128 ]; then
    echo "attempt $attempt killed by signal $((status - 128)); retrying" >&2
  fi
done
exit 1
