// A hostile VIFlet: holds a few packets, then recurses without end at the
// 20th packet (the stack-depth limit aborts it; the packets go back).
public class RecursionVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private int seen;

    private int down(int n) { return down(n + 1) + 1; }

    public void enqueue(Packet p) {
        q.enqueue(p);
        length++;
        if (++seen == 20)
            seen = down(0);
    }

    public Packet dequeue() {
        if (q.size() <= 4)
            return null;
        length--;
        return q.dequeue();
    }
}
