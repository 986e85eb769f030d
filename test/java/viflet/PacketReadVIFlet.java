// Reads every Packet accessor, each twice (the JIT answers the second from
// the packet's caches inline), at offsets in and out of range, on a packet
// that has left (dropped) and on null: the same values and the same
// exceptions interpreted and compiled (vm_jit_same).
public class PacketReadVIFlet extends VIFlet {
    private Queue q = new Queue();
    private int n;
    private Packet none;

    private static String tryRead(Packet p, int off) {
        try {
            return p.getByte(off) + "/" + p.getShort(off) + "/" + p.getInt(off);
        } catch (ArrayIndexOutOfBoundsException e) {
            return "AIOOBE " + e.getMessage();
        } catch (IllegalStateException e) {
            return "ISE " + e.getMessage();
        } catch (NullPointerException e) {
            return "NPE";
        }
    }

    public void enqueue(Packet p) {
        n++;
        int sum = 0;
        for (int k = 0; k < 2; k++)
            sum += p.protocol() + p.srcPort() * 3 + p.dstPort() * 5 + p.length() * 7;
        System.out.println("pkt " + n + " proto " + p.protocol() + " ports " + p.srcPort() + ">" + p.dstPort()
            + " len " + p.length() + " sum " + sum + " at0 " + tryRead(p, 0) + " at9 " + tryRead(p, 9)
            + " at20 " + tryRead(p, 20) + " neg " + tryRead(p, -1) + " far " + tryRead(p, 1 << 20)
            + " end " + tryRead(p, p.getShort(2) - 4) + " end2 " + tryRead(p, p.getShort(2) - 3));
        if (n % 5 == 3) {
            drop(p);
            System.out.println("left: " + tryRead(p, 0));
            try {
                p.protocol();
            } catch (IllegalStateException e) {
                System.out.println("left: protocol ISE");
            }
            return;
        }
        if (n % 7 == 1)
            System.out.println("null: " + tryRead(none, 0));
        q.enqueue(p);
        length++;
    }

    public Packet dequeue() {
        Packet p = q.dequeue();
        if (p != null)
            length--;
        return p;
    }
}
