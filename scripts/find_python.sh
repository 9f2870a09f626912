#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Django 6 needs it), or explain and fail.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for cand in python3.12 python3.13 python3; do
  if command -v "$cand" >/dev/null 2>&1 && ok "$cand"; then command -v "$cand"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for cand in "$root"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$cand" ] && ok "$cand"; then echo "$cand"; exit 0; fi
  done
fi
echo "error: EnergyReview needs Python >= 3.12 (Django 6); none found as python3.12, python3.13," >&2
echo "       python3 or under pyenv. Install one (e.g. 'pyenv install 3.12') and retry." >&2
exit 1
