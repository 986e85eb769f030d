// FIFO that reads conf("tag") on every packet and writes each new value to
// the log: a conf write reaches a running VIFlet.
public class ConfEchoVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private String seen = "";

    public void enqueue(Packet p) {
        String t = conf("tag");
        if (t != null && !t.equals(seen)) {
            seen = t;
            System.out.println("tag=" + t);
        }
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
