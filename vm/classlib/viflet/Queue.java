/** A FIFO of packets (a growable ring). */
public class Queue {
    private Packet[] ring = new Packet[16];
    private int head, count;

    public void enqueue(Packet p) {
        if (count == ring.length) {
            Packet[] n = new Packet[ring.length * 2];
            for (int i = 0; i < count; i++) {
                int k = (head + i) % ring.length;
                Packet q = ring[k];
                ring[k] = null;   // a packet lives in one place at a time
                n[i] = q;
            }
            ring = n;
            head = 0;
        }
        ring[(head + count) % ring.length] = p;
        count++;
    }

    public Packet dequeue() {
        if (count == 0)
            return null;
        Packet p = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        return p;
    }

    public Packet peek() { return count == 0 ? null : ring[head]; }
    public boolean isEmpty() { return count == 0; }
    public int size() { return count; }
}
