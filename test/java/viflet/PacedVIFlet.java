// Releases one packet per timer tick (seed chapter VII timers): the gap in
// microseconds comes from conf("gap_us"), default 1000.
public class PacedVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private final int gap;
    private boolean armed, open;
    private long last = -1;

    PacedVIFlet() {
        String g = conf("gap_us");
        gap = g == null ? 1000 : Integer.parseInt(g);
    }

    public void enqueue(Packet p) {
        q.enqueue(p);
        length++;
        if (!armed) { armed = true; setTimer(gap); }
    }

    public Packet dequeue() {
        if (!open) return null;
        open = false;
        Packet p = q.dequeue();
        if (p != null) length--;
        if (!q.isEmpty() && !armed) { armed = true; setTimer(gap); }
        return p;
    }

    public void timeout() {
        long t = now();
        if (last >= 0 && t - last < gap) System.out.println("early timer: " + (t - last));
        last = t;
        armed = false;
        open = true;
    }
}
