// Drops every odd-numbered packet, counts the rest, and reads header fields.
public class DropOddVIFlet extends VIFlet {
    private Queue q = new Queue();
    private int n;
    public void enqueue(Packet p) {
        if ((n++ & 1) == 1) { drop(p); return; }
        int v = p.getByte(0) >> 4;
        if (v != 4 && v != 6) System.out.println("not IP: " + v);
        q.enqueue(p);
        length++;
    }
    public Packet dequeue() {
        Packet p = q.dequeue();
        if (p != null) length--;
        return p;
    }
}
