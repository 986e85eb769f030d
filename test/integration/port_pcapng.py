#!/usr/bin/env python3
"""Helpers of port_live.sh (issue 8).

  port_pcapng.py summary FILE        blocks of a pcapng stream: counts, directions,
                                     comments, the statistics block's drops
  port_pcapng.py badwrites PORT      bad writes must fail with EINVAL; then one good
                                     ICMP echo request 198.18.0.1 -> 198.18.0.2
  port_pcapng.py open PORT           open for reading (O_NONBLOCK), print the bytes read
  port_pcapng.py pollwake PORT DIR   O_NONBLOCK gives EAGAIN; poll() then select() sleep
                                     until a packet comes (DIR/ready1, DIR/ready2 say
                                     when to send one) and wake at once
"""
import errno
import os
import select
import struct
import sys
import time


def blocks(data):
    off = 0
    while off + 8 <= len(data):
        btype, blen = struct.unpack_from('=II', data, off)
        if blen < 12 or off + blen > len(data):
            raise SystemExit('broken block at %d' % off)
        yield btype, data[off:off + blen]
        off += blen
    if off != len(data):
        raise SystemExit('%d trailing bytes' % (len(data) - off))


def options(body):
    off = 0
    while off + 4 <= len(body):
        code, olen = struct.unpack_from('=HH', body, off)
        if code == 0:
            return
        yield code, body[off + 4:off + 4 + olen]
        off += 4 + ((olen + 3) & ~3)


def summary(path):
    data = open(path, 'rb').read()
    n = {'shb': 0, 'idb': 0, 'epb': 0, 'in': 0, 'out': 0, 'nodir': 0, 'isb': 0, 'isb_drop': -1,
         'isb_recv': -1}
    comments = {}
    for btype, b in blocks(data):
        if btype == 0x0A0D0D0A:
            n['shb'] += 1
        elif btype == 1:
            n['idb'] += 1
            n['linktype'] = struct.unpack_from('=H', b, 8)[0]
            for code, val in options(b[16:-4]):
                if code == 9:
                    n['tsresol'] = val[0]
                if code == 2:
                    n['ifname'] = val.decode()
        elif btype == 6:
            n['epb'] += 1
            caplen = struct.unpack_from('=I', b, 20)[0]
            flags = 0
            for code, val in options(b[28 + ((caplen + 3) & ~3):-4]):
                if code == 2:
                    flags = struct.unpack('=I', val)[0]
                if code == 1:
                    c = val.decode()
                    comments[c] = comments.get(c, 0) + 1
            d = flags & 3
            n['in' if d == 1 else 'out' if d == 2 else 'nodir'] += 1
        elif btype == 5:
            n['isb'] += 1
            for code, val in options(b[20:-4]):
                if code == 4:
                    n['isb_recv'] = struct.unpack('=Q', val)[0]
                if code == 5:
                    n['isb_drop'] = struct.unpack('=Q', val)[0]
    for k, v in n.items():
        print(k, v)
    for c, k in sorted(comments.items()):
        print('comment', k, c)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def icmp_echo(payload=b'port-divert-test'):
    icmp = struct.pack('!BBHHH', 8, 0, 0, 0x4242, 1) + payload
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    tot = 20 + len(icmp)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot, 1, 0, 64, 1, 0,
                     bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return ip + icmp


def epb(pkt, flags, caplen=None):
    caplen = len(pkt) if caplen is None else caplen
    data = pkt[:caplen] + b'\0' * ((-caplen) % 4)
    opts = struct.pack('=HHI', 2, 4, flags) + struct.pack('=HH', 0, 0)
    blen = 28 + len(data) + len(opts) + 4
    return struct.pack('=IIIIIII', 6, blen, 0, 0, 0, caplen, len(pkt)) + data + opts + \
        struct.pack('=I', blen)


def badwrites(path):
    good = icmp_echo()
    eth = bytes(range(12)) + b'\x08\x00' + good
    big = bytearray(icmp_echo(b'x' * 2972))          # 3000 bytes: beyond the packet buffer
    idb_eth = struct.pack('=IIHHI', 1, 20, 1, 0, 65535) + struct.pack('=I', 20)
    bad = {
        'truncated': good[:-8],
        'truncated EPB (caplen < origlen)': epb(good, 2, caplen=len(good) - 8),
        'EPB cut short': epb(good, 2)[:-8],
        'oversized': bytes(big),
        'wrong link type (Ethernet frame on TUN)': eth,
        'wrong link type (Ethernet IDB)': idb_eth,
        'garbage': os.urandom(200).replace(b'\x45', b'\x00').replace(b'\x60', b'\x00'),
        'empty-ish': b'\x45',
        # a batch (several blocks in one write) is refused whole
        'batch with one bad EPB': epb(good, 2) + epb(good, 2, caplen=len(good) - 8) + epb(good, 2),
        'batch with trailing garbage': epb(good, 2) + epb(good, 2) + b'\x45\x00\x00\x00',
    }
    fd = os.open(path, os.O_WRONLY)
    refused = 0
    for name, data in bad.items():
        try:
            os.write(fd, data)
            print('ACCEPTED:', name)
        except OSError as e:
            if e.errno != errno.EINVAL:
                print('wrong errno for %s: %s' % (name, e))
            else:
                refused += 1
    print('refused', refused, 'of', len(bad))
    os.write(fd, good)                      # raw: direction from the address
    os.write(fd, epb(good, 2))              # EPB: outbound by its flags
    os.write(fd, epb(good, 2) + epb(good, 2))   # a batch: two packets
    print('good writes ok')
    os.close(fd)


def open_read(path):
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    print(len(os.read(fd, 65536)))
    os.close(fd)


def pollwake(path, d):
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.read(fd, 65536)                      # the section and interface headers
    try:
        os.read(fd, 65536)
        raise SystemExit('an empty stream did not give EAGAIN')
    except BlockingIOError:
        pass
    p = select.poll()
    p.register(fd, select.POLLIN)
    if p.poll(300):
        raise SystemExit('poll: readable with nothing in it')
    for k, wait in ((1, lambda: p.poll(10000)), (2, lambda: select.select([fd], [], [], 10)[0])):
        open(os.path.join(d, 'ready%d' % k), 'w').close()
        name = 'poll' if k == 1 else 'select'
        if not wait():
            raise SystemExit('%s did not wake' % name)
        woke = time.time()
        time.sleep(0.05)                    # the reply too
        epbs = [b for t, b in blocks(os.read(fd, 65536)) if t == 6]
        if not epbs:
            raise SystemExit('woke with nothing to read')
        hi, lo = struct.unpack_from('=II', epbs[0], 12)
        late = woke - ((hi << 32 | lo) / 1e9)   # from the packet's capture to the wake-up
        print('%s woke %.2f ms after the packet was captured, %d packets' % (name, late * 1000, len(epbs)))
        if late > 0.5:
            raise SystemExit('%s woke late' % name)
    os.close(fd)


if __name__ == '__main__':
    cmd, arg = sys.argv[1], sys.argv[2]
    if cmd == 'pollwake':
        pollwake(arg, sys.argv[3])
    else:
        {'summary': summary, 'badwrites': badwrites, 'open': open_read}[cmd](arg)
