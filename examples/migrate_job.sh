#!/usr/bin/env bash
# Runs a one-off migration job with a unique name and waits for it.
set -euo pipefail
job="migrate-$(date +%s)"
kubectl create job "$job" --from=cronjob/migrate
kubectl wait --for=condition=complete "job/$job" --timeout=300s
kubectl logs "job/$job"
