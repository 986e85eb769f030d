// A hostile VIFlet: drops its first packet but keeps a reference to it, and
// at the 20th packet returns that packet from dequeue(): a packet it no
// longer holds (aborted; the packets it did hold go back).
public class ForeignPacketVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private int seen;
    private Packet ghost;

    public void enqueue(Packet p) {
        if (++seen == 1) {
            drop(p);
            ghost = p;
            return;
        }
        q.enqueue(p);
        length++;
    }

    public Packet dequeue() {
        if (seen >= 20 && ghost != null)
            return ghost;
        if (q.size() <= 4)
            return null;
        length--;
        return q.dequeue();
    }
}
