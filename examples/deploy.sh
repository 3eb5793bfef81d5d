#!/usr/bin/env bash
# A small deploy script: the kind of runbook cli-replay tests. It calls kubectl and
# helm; under `cli-replay exec` those calls are answered by examples/deploy.yaml.
set -euo pipefail
env_name="${1:?usage: deploy.sh <environment>}"

kubectl config use-context "$env_name"
helm upgrade --install web ./charts/web --namespace "$env_name" --wait=false
until kubectl rollout status deployment/web -n "$env_name" --timeout=5s; do
  echo "waiting for rollout…"
done
kubectl get pods -n "$env_name" -l app=web
echo "deployed web to $env_name"
