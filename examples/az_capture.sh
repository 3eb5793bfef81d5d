#!/usr/bin/env bash
set -euo pipefail
az group create --name rg-app --location "${LOCATION:-westeurope}" >/dev/null
id=$(az group show --name rg-app --query id -o tsv)
echo "resource group: $id"
