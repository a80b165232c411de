#!/bin/sh
# One release taken out of data/ and added back: two incremental loads, for farm-bench A/B of what
# adding a release costs (bench/RESULTS.md 0s). The warehouse must be loaded already.
#   IIJWH_DATA=DIR IIJWH_WAREHOUSE=DIR bench/add_one_cycle.sh IIJWH RELEASE_FOLDER
#   farm-bench -n 9 --vs 'bench/add_one_cycle.sh OLD R' -- bench/add_one_cycle.sh NEW R
set -e
iijwh=$1 release=$2
: "${IIJWH_DATA:?set IIJWH_DATA}" "${IIJWH_WAREHOUSE:?set IIJWH_WAREHOUSE}"
held="$IIJWH_DATA/../.held-$release"
mv "$IIJWH_DATA/releases/$release" "$held"
"$iijwh" load -q >/dev/null 2>&1 || { mv "$held" "$IIJWH_DATA/releases/$release"; exit 1; }
mv "$held" "$IIJWH_DATA/releases/$release"
exec "$iijwh" load -q >/dev/null 2>&1
