#!/usr/bin/env python3
"""print in an object == print in `tdlc run --backend=interp`.

usage: compare_print.py PRINT_APP TDLC PRINT_MODEL_TDL
"""
import subprocess
import sys

app, tdlc, model = sys.argv[1:4]
interp = subprocess.run([tdlc, 'run', '--backend=interp', model],
                        capture_output=True, text=True, check=True)
want = interp.stdout.splitlines()[:-1]  # the last line is main's result
failures = []
plain = subprocess.run([app], capture_output=True, text=True)
if plain.returncode != 0:
    failures.append(f'print_app exited {plain.returncode}: {plain.stderr}')
got = plain.stderr.splitlines()
if got != want:
    failures.append('stderr differs from tdlc run:\n' + '\n'.join(
        f'  want {w!r}\n  got  {g!r}' for w, g in zip(want, got) if w != g) +
        f'\n  ({len(want)} lines wanted, {len(got)} got)')
callback = subprocess.run([app, 'callback'], capture_output=True, text=True)
if callback.stderr or callback.stdout.splitlines() != ['cb: ' + w
                                                       for w in want]:
    failures.append('the callback did not get every line:\n' +
                    callback.stdout + callback.stderr)
for failure in failures:
    print('FAIL:', failure)
sys.exit(1 if failures else 0)
