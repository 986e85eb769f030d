/**
 * Base class of every VIFlet (seed VI.1.1, SPEC 7.1). The VIF calls
 * enqueue() for each arriving packet and dequeue() whenever it may send one;
 * it keeps draining while length > 0. The defaults make a FIFO.
 */
public abstract class VIFlet {
    /** Packets held; the VIF drains while this is > 0. */
    protected int length;
    private final Queue fifo = new Queue();

    public void enqueue(Packet p) {
        fifo.enqueue(p);
        length++;
    }

    public Packet dequeue() {
        if (fifo.isEmpty())
            return null;
        length--;
        return fifo.dequeue();
    }

    /** Timer callback (seed chapter VII), after setTimer(). */
    public void timeout() {}

    /** One-shot timer, micros from now. */
    protected final native void setTimer(int micros);
    /** Microseconds; virtual time during replay. */
    protected final native long now();
    /** A value from the VIF's conf file, or null. */
    protected final native String conf(String key);
    /** Discards a packet (counted as a drop). It must not be stored anywhere. */
    protected final native void drop(Packet p);
}
