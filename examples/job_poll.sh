#!/usr/bin/env bash
# Polls a CI run until it completes (the fake answers queued, in_progress, completed).
set -euo pipefail
polls=0
until [ "$(gh run view 4242 --json status -q .status)" = completed ]; do
  polls=$((polls + 1))
done
echo "run 4242 completed after $polls pending polls"
