#!/bin/sh
# The build action of config-service (fleet.yaml overrides build.run with it): validates every environment file,
# then assembles dist/: bin/config-service with its version stamped in, config/<env>.env without comments and
# sorted (so a comment-only change still builds the same bytes), and manifest.json.
set -eu
cd "$(dirname "$0")"
version=$(cat VERSION)
sh bin/config-service check config/*.env

rm -rf dist
mkdir -p dist/bin dist/config
sed "s/@VERSION@/$version/" bin/config-service > dist/bin/config-service
chmod 755 dist/bin/config-service
for file in config/*.env; do
    grep -v -E '^[[:space:]]*(#|$)' "$file" | LC_ALL=C sort > "dist/config/${file##*/}"
done
python3 -B ../../tools/manifest.py dist --name config-service --version "$version" --kind shell-app \
    --artefact bin/config-service
set -- dist/config/*.env
echo "build.sh: config-service $version -> dist/bin/config-service, $# environments"
