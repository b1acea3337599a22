#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Write out/series.mbx: the cover letter and the patches of series, as one
# thread (Message-Id, In-Reply-To, References), ready for 'b4 am -m'.
set -euo pipefail
STAGE=mbox
. "$(dirname "$0")/lib.sh"

mkdir -p "$OUT"
out=${1:-$OUT/series.mbx}
cover=$TOP/patches/0000-cover-letter.patch
[ -f "$cover" ] || die "patches/0000-cover-letter.patch missing; run make export"
digest=$(series_digest | cut -c1-12)
msgid() { printf '<%s-v1-%s-%s@example.org>' "$CHANGE_ID" "$1" "$digest"; }
root=$(msgid 0)

add_headers() { # FILE N
	/usr/bin/python3 - "$1" "$2" "$(msgid "$2")" "$root" <<'PY'
import sys
path, n, mid, root = sys.argv[1:]
text = open(path).read()
head, sep, rest = text.partition('\n\n')
# Unfold continuation lines: b4 (0.12) rejects folded subjects.
head = head.replace('\n ', ' ').replace('\n\t', ' ')
lines = [l for l in head.split('\n') if not l.lower().startswith(('message-id:', 'in-reply-to:', 'references:'))]
lines.append('Message-Id: ' + mid)
if n != '0':
    lines.append('In-Reply-To: ' + root)
    lines.append('References: ' + root)
sys.stdout.write('\n'.join(lines) + sep + rest)
if not rest.endswith('\n'):
    sys.stdout.write('\n')
PY
}

{
	add_headers "$cover" 0
	n=0
	while read -r p; do
		n=$((n + 1))
		[ -f "$TOP/patches/$p" ] || die "series names $p, which is not in patches/"
		add_headers "$TOP/patches/$p" "$n"
	done < <(series_patches)
} >"$out.tmp"
mv "$out.tmp" "$out"
msg "wrote $out ($(series_patches | wc -l) patches, thread $root)"
