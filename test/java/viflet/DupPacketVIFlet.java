// A hostile VIFlet: keeps every packet in its queue and also in a field (seed VI.1.3.4).
public class DupPacketVIFlet extends VIFlet {
    private Queue q = new Queue();
    private Packet last;
    public void enqueue(Packet p) { q.enqueue(p); last = p; length++; }
    public Packet dequeue() { length--; return q.dequeue(); }
}
