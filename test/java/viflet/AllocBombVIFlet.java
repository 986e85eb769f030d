// A hostile VIFlet: holds a few packets, then allocates without end at the
// 20th packet (the heap limit aborts it; the packets it held go back).
public class AllocBombVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private int seen;
    private Object[] hoard;

    public void enqueue(Packet p) {
        q.enqueue(p);
        length++;
        if (++seen == 20)
            for (;;) {
                Object[] a = new Object[1024];
                a[0] = hoard;
                hoard = a;
            }
    }

    public Packet dequeue() {
        if (q.size() <= 4)
            return null;        // keep four packets held
        length--;
        return q.dequeue();
    }
}
