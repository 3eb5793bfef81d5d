#!/usr/bin/env bash
# Plans with a var file and applies only when the plan has changes (exit 2).
set -uo pipefail
terraform init -input=false || exit 1
terraform plan -input=false -out=tfplan -var-file=prod.tfvars
case $? in
  0) echo "no changes" ;;
  2) terraform apply -input=false tfplan ;;
  *) exit 1 ;;
esac
