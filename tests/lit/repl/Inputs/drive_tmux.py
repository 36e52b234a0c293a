#!/usr/bin/env python3
"""drive_tmux.py TDLC HOME: runs `TDLC repl` on a tmux terminal, types keys
like a user (history recall, Tab completion, reverse search, Ctrl-C at the
prompt and during an evaluation), prints the screen at the end and the
history file, for FileCheck.

Each step waits (polling, generous timeout: CI machines are slow) until the
screen shows what the step expects, so the test is not timing-dependent.
"""
import os
import subprocess
import sys
import time

tdlc, home = sys.argv[1], sys.argv[2]
socket = "tdlc-repl-test-%d" % os.getpid()
os.makedirs(home, exist_ok=True)
history = os.path.join(home, ".tdl_history")
if os.path.exists(history):
    os.remove(history)


def tmux(*args):
    return subprocess.run(["tmux", "-L", socket] + list(args),
                          capture_output=True, text=True).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "repl")


def wait_for(text, timeout=60.0):
    end = time.time() + timeout
    while time.time() < end:
        if text in screen():
            return
        time.sleep(0.1)
    print(screen())
    sys.exit("timed out waiting for %r" % text)


def wait_for_count(text, count, timeout=60.0):
    end = time.time() + timeout
    while time.time() < end:
        if screen().count(text) >= count:
            return
        time.sleep(0.1)
    print(screen())
    sys.exit("timed out waiting for %d x %r" % (count, text))


def wait_prompt(timeout=60.0):
    """Waits for an idle prompt: keys sent while the REPL is still busy reach
    a terminal in cooked mode, where libedit never sees them."""
    end = time.time() + timeout
    while time.time() < end:
        if screen().rstrip().endswith("tdl>"):
            time.sleep(0.2)  # libedit switches the terminal to raw mode
            return
        time.sleep(0.1)
    print(screen())
    sys.exit("timed out waiting for the prompt")


def type_text(text):
    # -l: literally; tmux still takes a trailing ';' for a command
    # separator unless it is escaped.
    if text.endswith(";"):
        text = text[:-1] + "\\;"
    tmux("send-keys", "-t", "repl", "-l", text)


def key(*names):
    tmux("send-keys", "-t", "repl", *names)


tmux("new-session", "-d", "-s", "repl", "-x", "100", "-y", "90",
     "env HOME=%s TERM=xterm %s repl" % (home, tdlc))
try:
    wait_for("tdl>")
    type_text("let value = [1.0, 2.0];")
    key("Enter")
    wait_for("tdl> let value")
    wait_prompt()
    # Tab completes a binding: `val` -> `value`.
    type_text("val")
    key("Tab")
    wait_for("tdl> value")
    type_text(" * 3")
    key("Enter")
    wait_for("f32[2] [3, 6]")
    wait_prompt()
    # Up arrow twice recalls the first input.
    key("Up")
    key("Up")
    key("Enter")
    wait_for("tdl> let value = [1.0, 2.0]", 60)
    wait_prompt()
    # Tab completes a command: `:ty` -> `:type`.
    type_text(":ty")
    key("Tab")
    type_text(" value")
    key("Enter")
    wait_for("f32[2]\n")
    wait_prompt()
    # A multi-line input gets the continuation prompt.
    type_text("fn twice(x: f32) -> f32 {")
    key("Enter")
    wait_for("...")
    type_text("return 2.0 * x; }")
    key("Enter")
    wait_prompt()
    type_text("twi")
    key("Tab")
    type_text("(4.0)")
    key("Enter")
    wait_for("f32 8")
    wait_prompt()
    # Ctrl-R searches the history backwards: `ype v` finds `:type value`.
    key("C-r")
    type_text("ype v")
    key("Enter")
    wait_for_count("f32[2]\n", 2)
    wait_prompt()
    # Ctrl-C discards the unfinished input and the session goes on.
    type_text("let a = (")
    key("Enter")
    type_text("1 +")
    # The terminal drops unread input on Ctrl-C: wait until it is shown.
    wait_for("...  1 +")
    key("C-c")
    wait_for("^C")
    wait_prompt()
    type_text("1 + 1")
    key("Enter")
    wait_for("i32 2")
    wait_prompt()
    # Ctrl-C while an input runs interrupts it and keeps the session: a
    # runaway loop on the JIT, then the same on the interpreter. (The loop
    # updates a binding: a loop whose results nothing uses, `while true {}`,
    # is dead code the IR pipeline removes, as for `tdlc run`.)
    type_text("var n = 0;")
    key("Enter")
    wait_prompt()
    for backend in ("cpu", "interp"):
        type_text(":backend " + backend)
        key("Enter")
        wait_for("running on")
        wait_prompt()
        count = screen().count("error: interrupted")
        type_text("print(value); while true { n = n + 1; }")
        key("Enter")
        wait_for_count("f32[2] [1, 2]", 1 + (backend == "interp"))
        time.sleep(0.3)
        key("C-c")
        wait_for_count("error: interrupted", count + 1)
        wait_prompt()
    # Ctrl-C inside one long kernel: a fused reduction over ten billion
    # elements on the JIT (seconds of work in one loop nest, no loop of the
    # program), a 2048^3 matmul on the interpreter; each stops, and `value`
    # and `n` are intact afterwards.
    type_text("let m = ones([2048, 2048]);")
    key("Enter")
    wait_prompt()
    for backend, kernel in (
            ("cpu", "print(value); sum(exp(broadcast_to(value, [5000000000, 2])))"),
            ("interp", "print(value); sum(m @ m)")):
        type_text(":backend " + backend)
        key("Enter")
        wait_for_count("running on", 3 + (backend == "interp"))
        wait_prompt()
        count = screen().count("error: interrupted")
        printed = screen().count("f32[2] [1, 2]")
        type_text(kernel)
        key("Enter")
        wait_for_count("f32[2] [1, 2]", printed + 1)
        time.sleep(0.3)
        key("C-c")
        wait_for_count("error: interrupted", count + 1)
        wait_prompt()
    type_text("(value * 3, n)")
    key("Enter")
    wait_for_count("f32[2] [3, 6]", 2)
    wait_for("i32 0")
    print(screen())
    key("C-d")
    # The history file is written as the session ends.
    end = time.time() + 30
    while time.time() < end and not (os.path.exists(history) and
                                      "twice" in open(history).read()):
        time.sleep(0.1)
    print("=== history")
    print(open(history).read())
finally:
    tmux("kill-server")
