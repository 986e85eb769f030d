// A hostile VIFlet: holds a few packets, then lets an exception escape
// enqueue() at the 20th packet (aborted; the packets go back).
public class ThrowVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private int seen;

    public void enqueue(Packet p) {
        q.enqueue(p);
        length++;
        if (++seen == 20)
            throw new IllegalStateException("hostile: thrown out of enqueue");
    }

    public Packet dequeue() {
        if (q.size() <= 4)
            return null;
        length--;
        return q.dequeue();
    }
}
