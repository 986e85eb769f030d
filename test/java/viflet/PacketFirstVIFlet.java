// The first protocol/port read of each packet (the JIT fills the packet's
// caches through a helper, not the native) in the middle of a loop whose
// locals live in registers, several written since the last call, with the
// packet in a local, a field and an array: the same values interpreted and
// compiled (vm_jit_same).
public class PacketFirstVIFlet extends VIFlet {
    private Queue q = new Queue();
    private Packet last;
    private Packet[] box = new Packet[1];
    private long total;

    // one call site, many locals written in the loop: some cached in
    // caller-saved registers, their slots stale when the caches are filled
    private static int mix(Packet p, int n) {
        int a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7;
        for (int k = 0; k < n; k++) {
            a += k;
            b ^= a;
            c += b;
            d += c;
            e += d;
            f += e;
            g += f;
            if (k == 2)
                g += p.srcPort();
        }
        return a + 3 * b + 5 * c + 7 * d + 11 * e + 13 * f + 17 * g;
    }

    public void enqueue(Packet p) {
        if (total % 2 == 0)
            total += mix(p, 5);
        int a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
        for (int k = 0; k < 3; k++) {
            a += k;
            b ^= a;
            c += b;
            d += c;
            e += d;
            f += e;
            if (k == 1)
                f += p.dstPort();       // the first read of this packet: fills the caches
            a += p.srcPort() + p.protocol();
        }
        last = p;
        Packet r = last;
        box[0] = null;
        int g = a + b + c + d + e + f + r.protocol();
        total += g;
        System.out.println("pkt " + g + " " + a + " " + b + " " + c + " " + d + " " + e + " " + f + " " + total);
        last = null;
        q.enqueue(p);
        length++;
    }

    public Packet dequeue() {
        if (q.isEmpty())
            return null;
        length--;
        return q.dequeue();
    }
}
