#!/usr/bin/env bash
# Updates the image, polls until 3 replicas are updated, then checks the rollout.
set -euo pipefail
ns="${NS:-prod}"
kubectl set image deployment/api "api=registry.example.com/api:${TAG:-1.4.2}" -n "$ns"
for _ in 1 2 3; do
  updated=$(kubectl get deployment/api -n "$ns" -o 'jsonpath={.status.updatedReplicas}')
  [ "$updated" = 3 ] && break
done
kubectl rollout status deployment/api -n "$ns"
