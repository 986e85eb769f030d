#!/usr/bin/env python3
"""Test client of vifd's control socket (docs/control.md).

  vifd_ctl.py CTL req MSG...              one reply per request (after hello)
  vifd_ctl.py CTL rate SECS IFACE FIELD   wire rate (bit/s) of a counter over SECS
  vifd_ctl.py CTL vifrate SECS IFACE PATH FIELD...   bit/s of VIF byte stats over SECS
  vifd_ctl.py CTL series SECS STEP IFACE FIELD       "t bytes" samples every STEP s
One connection is opened first, so the window is timed at the requests
themselves, not around an interpreter start."""
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.send(b"hello 1")
    r = s.recv(65536).decode()
    if not r.startswith("ok"):
        sys.exit("hello refused: " + r)
    return s


def req(s, msg):
    s.send(msg.encode())
    return s.recv(1 << 17).decode()


def counter(s, iface, field):
    for line in req(s, "status").splitlines():
        w = line.split()
        if len(w) > 2 and w[0] == "iface" and w[1] == iface:
            i = w.index(field)
            return int(w[i + 2])
    sys.exit("no counter %s %s" % (iface, field))


def vif_stats(s, iface, path):
    for line in req(s, "tree " + iface).splitlines()[1:]:
        w = line.split()
        if len(w) > 2 and w[1] == path:
            return dict(kv.split("=", 1) for kv in w[2:])
    sys.exit("no VIF %s %s" % (iface, path))


def timed(fn):
    t0 = time.monotonic()
    v = fn()
    t1 = time.monotonic()
    return (t0 + t1) / 2, v


def main():
    s = connect(sys.argv[1])
    cmd = sys.argv[2]
    if cmd == "req":
        for m in sys.argv[3:]:
            print(req(s, m))
    elif cmd == "rate":
        secs, iface, field = float(sys.argv[3]), sys.argv[4], sys.argv[5]
        t0, b0 = timed(lambda: counter(s, iface, field))
        time.sleep(secs)
        t1, b1 = timed(lambda: counter(s, iface, field))
        print("%.0f" % ((b1 - b0) * 8 / (t1 - t0)))
    elif cmd == "vifrate":
        secs, iface = float(sys.argv[3]), sys.argv[4]
        specs = [a.split(":") for a in sys.argv[5:]]     # PATH:FIELD
        t0, st0 = timed(lambda: [vif_stats(s, iface, p) for p, _ in specs])
        time.sleep(secs)
        t1, st1 = timed(lambda: [vif_stats(s, iface, p) for p, _ in specs])
        print(" ".join("%.0f" % ((int(b[f]) - int(a[f])) * 8 / (t1 - t0))
                       for (p, f), a, b in zip(specs, st0, st1)))
    elif cmd == "series":
        secs, step, iface, field = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
        start = time.monotonic()
        while time.monotonic() - start < secs:
            t, b = timed(lambda: counter(s, iface, field))
            print("%.6f %d" % (t, b), flush=True)
            time.sleep(step)
    elif cmd == "capchange":
        # capchange IFACE FIELD PATH VALUE: 1 s at the old cap, set the new
        # one, sample every 10 ms; print the rate before, the rate from
        # 100 ms to 600 ms after the change, and the change request's latency.
        iface, field, path, value = sys.argv[3:7]
        t0, b0 = timed(lambda: counter(s, iface, field))
        time.sleep(1.0)
        t1, b1 = timed(lambda: counter(s, iface, field))
        before = (b1 - b0) * 8 / (t1 - t0)
        tc0 = time.monotonic()
        r = req(s, "set %s %s bandwidth %s" % (iface, path, value))
        tc = time.monotonic()
        if not r.startswith("ok"):
            sys.exit("set refused: " + r)
        samples = []
        while time.monotonic() - tc < 0.7:
            samples.append(timed(lambda: counter(s, iface, field)))
            time.sleep(0.01)
        def at(t):
            return min(samples, key=lambda x: abs(x[0] - t))
        (ta, ba), (tb, bb) = at(tc + 0.1), at(tc + 0.6)
        print("%.0f %.0f %.0f" % (before, (bb - ba) * 8 / (tb - ta), (tc - tc0) * 1e6))
    else:
        sys.exit("unknown command " + cmd)


main()
