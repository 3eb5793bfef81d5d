#!/usr/bin/env bash
set -euo pipefail
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n' | kubectl apply -f -
cat <<'YAML' | kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
YAML
