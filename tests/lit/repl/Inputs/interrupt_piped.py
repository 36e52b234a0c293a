#!/usr/bin/env python3
"""interrupt_piped.py TDLC BACKEND: Ctrl-C in a piped `TDLC repl` (the
signal a terminal would send) while an input runs: a runaway `while true`
loop, then a long matmul (a kernel that polls the flag), then on the JIT a
fused reduction over ten billion elements (a loop nest that polls it per
block of elements). Each evaluation
must stop with "interrupted" and leave the session intact: the next input
reads an earlier binding, and the interrupted input changed nothing.
Prints everything the REPL writes (stdout and stderr, in order).

The signal is sent once the input's `print` has shown up: the REPL is then
inside the evaluation, where Ctrl-C interrupts instead of ending it.
"""
import queue
import signal
import subprocess
import sys
import threading
import time

tdlc, backend = sys.argv[1], sys.argv[2]
repl = subprocess.Popen([tdlc, "repl"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True, bufsize=1)
lines = queue.Queue()


def read():
    for line in repl.stdout:
        lines.put(line)
    lines.put(None)


threading.Thread(target=read, daemon=True).start()


def send(text):
    repl.stdin.write(text + "\n")
    repl.stdin.flush()


def expect(text, timeout=120.0):
    end = time.time() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, end - time.time()))
        except queue.Empty:
            sys.exit("timed out waiting for %r" % text)
        if line is None:
            sys.exit("the REPL ended while waiting for %r" % text)
        sys.stdout.write(line)
        if text in line:
            return


send(":backend " + backend)
expect("running on")
send("let a = uniform(3, [3]);")
send("a")
expect("f32[3]")
send("var k = 0;")
send("print(a); while true { k = k + 1; }")
expect("f32[3]")
time.sleep(0.2)
repl.send_signal(signal.SIGINT)
expect("interrupted")
send("a")
expect("f32[3]")
send("k")
expect("i32")
send("let m = ones([4096, 4096]);")
send("print(k); sum(m @ m)")
expect("i32")
time.sleep(0.1)
repl.send_signal(signal.SIGINT)
expect("interrupted")
send("a")
expect("f32[3]")
if backend == "cpu":
    send("print(k); sum(exp(broadcast_to(a, [5000000000, 3])))")
    expect("i32")
    time.sleep(0.1)
    repl.send_signal(signal.SIGINT)
    expect("interrupted")
    send("a")
    expect("f32[3]")
send(":quit")
repl.stdin.close()
repl.wait(timeout=120)
print("=== exit %d" % repl.returncode)
