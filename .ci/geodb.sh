#!/usr/bin/env bash
# Fetches the ip-location-db country database (CC BY 4.0) from the npm registry into a cache
# and prints the path of the .mmdb file. Never committed: tests read it from this path.
set -euo pipefail
cache=${API_ANALYTICS_CACHE:-$HOME/.cache/api-analytics}
package=@ip-location-db/geo-whois-asn-country-mmdb
mkdir -p "$cache"
found=$(find "$cache/geo" -name '*.mmdb' 2>/dev/null | head -n 1 || true)
if [ -z "$found" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$package" >/dev/null)
  mkdir -p "$cache/geo"
  tar -xzf "$tmp"/*.tgz -C "$cache/geo"
  rm -rf "$tmp"
  found=$(find "$cache/geo" -name '*.mmdb' | head -n 1)
fi
echo "$found"
