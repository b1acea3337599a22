#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# git format-patch base..HEAD of linux/ into DIR, with the cover letter
# taken from cover-letter.txt (first line: subject; then the body).
#   format-series.sh DIR
set -euo pipefail
STAGE=${STAGE:-format}
. "$(dirname "$0")/lib.sh"

dir=$1
cover=$TOP/cover-letter.txt
[ -f "$cover" ] || die "no cover-letter.txt"
n=$(git -C "$LINUX" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "linux/ has no commits on top of base"

# A fixed abbreviation: git scales the default with the object count,
# which would make the index lines differ from one clone to the next.
git -C "$LINUX" -c core.abbrev=9 format-patch -q --cover-letter --numbered --zero-commit \
	--no-signature --base=base --output-directory "$dir" base..HEAD

subject=$(head -n1 "$cover")
[ -n "$subject" ] || die "cover-letter.txt: the first line (the subject) is empty"
python3 - "$dir/0000-cover-letter.patch" "$cover" "$CHANGE_ID" <<'PY'
import sys
path, cover, change_id = sys.argv[1:]
lines = open(cover).read().split('\n')
subject = lines[0].strip()
body = '\n'.join(lines[1:]).strip('\n') + '\n'
text = open(path).read()
text = text.replace('*** SUBJECT HERE ***', subject, 1)
text = text.replace('*** BLURB HERE ***\n', body, 1)
if 'base-commit:' in text and 'change-id:' not in text:
    text = text.replace('\nbase-commit:', '\nchange-id: %s\nbase-commit:' % change_id, 1)
open(path, 'w').write(text)
PY
# Same date for the cover letter as for the newest patch.
last=$(git -C "$LINUX" log -1 --format='%ad' --date=rfc2822 HEAD)
sed -i "0,/^Date: .*/s//Date: $last/" "$dir/0000-cover-letter.patch"
