#!/usr/bin/env python3
"""Register this process (and fake sockets) with vifd, then wait.

  nn_register.py CTL [FD...]

Connects to vifd's control socket, says hello, registers itself (vifd takes
the pid and uid from SO_PEERCRED) and the given socket fds (no flow), prints
"registered PID" and stays registered until killed.
Used by the nnfs tests and benchmark to make DIR/PID/ appear under vifd."""
import os
import signal
import socket
import sys


def req(s, msg):
    s.send(msg.encode())
    r = s.recv(65536).decode()
    if not r.startswith("ok"):
        sys.exit("vifd refused %r: %s" % (msg, r))
    return r


def main():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    req(s, "hello 1")
    req(s, "register %d nn_register" % os.getppid())
    for fd in sys.argv[2:]:
        req(s, "sock %d" % int(fd))
    print("registered %d" % os.getpid(), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


main()
