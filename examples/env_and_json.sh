#!/usr/bin/env bash
# Checks the CI identity, then applies a generated manifest.
set -euo pipefail
unset AWS_ACCESS_KEY_ID
export AWS_PROFILE=ci-deployer
aws sts get-caller-identity >/dev/null
cat <<JSON | kubectl apply -f -
{"apiVersion": "apps/v1", "kind": "Deployment",
 "metadata": {"name": "web"}, "spec": {"replicas": 3, "template": {}}}
JSON
