"""Control-socket helper for the shim tests (one process per call, so that
timing-sensitive sequences do not pay an interpreter start between steps).
  shim_ctl.py SOCK req REQUEST...            print each reply
  shim_ctl.py SOCK rate IF PATH FIELD SECS   bits/s of a VIF counter over SECS
  shim_ctl.py SOCK waitvif IF REGEX [SECS]   print the first VIF path matching
"""
import re, socket, sys, time

def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.send(b"hello 1"); s.recv(65536)
    return s

def req(s, m):
    s.send(m.encode())
    return s.recv(65536).decode()

def stat(s, ifn, path, field):
    for line in req(s, "tree " + ifn).splitlines()[1:]:
        w = line.split()
        if len(w) > 1 and w[1] == path:
            for kv in w[2:]:
                k, _, v = kv.partition("=")
                if k == field:
                    return int(v)
    return None

def main():
    s = conn(sys.argv[1])
    op = sys.argv[2]
    if op == "req":
        for m in sys.argv[3:]:
            print(req(s, m))
    elif op == "rate":
        ifn, path, field, secs = sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
        a, t0 = stat(s, ifn, path, field), time.monotonic()
        time.sleep(secs)
        b, t1 = stat(s, ifn, path, field), time.monotonic()
        if a is None or b is None:
            print("-1"); return
        print("%.0f" % ((b - a) * 8 / (t1 - t0)))
    elif op == "rates":   # rates IF SECS FIELD PATH...: several VIFs, same window
        ifn, secs, field, paths = sys.argv[3], float(sys.argv[4]), sys.argv[5], sys.argv[6:]
        a, t0 = [stat(s, ifn, p, field) for p in paths], time.monotonic()
        time.sleep(secs)
        b, t1 = [stat(s, ifn, p, field) for p in paths], time.monotonic()
        print(" ".join("%.0f" % ((y - x) * 8 / (t1 - t0)) if x is not None and y is not None else "-1"
                       for x, y in zip(a, b)))
    elif op == "waitvif":
        ifn, rx = sys.argv[3], re.compile(sys.argv[4])
        end = time.monotonic() + (float(sys.argv[5]) if len(sys.argv) > 5 else 5)
        while time.monotonic() < end:
            for line in req(s, "tree " + ifn).splitlines()[1:]:
                w = line.split()
                if len(w) > 1 and rx.search(w[1]):
                    print(w[1]); return
            time.sleep(0.02)
        sys.exit(1)

main()
