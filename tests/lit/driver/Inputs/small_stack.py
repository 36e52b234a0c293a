#!/usr/bin/env python3
"""small_stack.py KB CMD ARGS...: run CMD with its stack limit (ulimit -s) at KB
kilobytes and exit with its status.

tests/lit/driver/deep-input.test: tdlc's depth must not depend on the
stack the process was started with (tools/tdlc/main.cpp runOnLargeStack).
"""
import resource
import subprocess
import sys

limit = int(sys.argv[1]) * 1024
resource.setrlimit(resource.RLIMIT_STACK, (limit, limit))
sys.exit(subprocess.run(sys.argv[2:]).returncode)
