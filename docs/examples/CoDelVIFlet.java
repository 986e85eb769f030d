/**
 * A CoDel-style delay-based dropper: a FIFO that watches how long packets
 * wait (their sojourn time). When the sojourn time has stayed above `target`
 * for a whole `interval`, it drops the head packet and keeps dropping at
 * intervals shrinking with the square root of the drop count, until the
 * delay falls below target again (after Nichols and Jacobson's CoDel).
 *
 * conf keys: target (microseconds, default 5000), interval (default 100000),
 * limit (packets, default 1000).
 */
public class CoDelVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private long[] stamps = new long[1024];   // enqueue times, a ring parallel to q
    private int head, count;
    private long target = 5000, interval = 100000;
    private int limit = 1000;
    private long firstAbove;       // when the delay may first count as persistent; 0 = not above
    private boolean dropping;
    private long dropNext;
    private int drops;

    public CoDelVIFlet() {
        target = number("target", target);
        interval = number("interval", interval);
        limit = (int) number("limit", limit);
        if (limit > stamps.length)
            stamps = new long[limit];
    }

    private long number(String key, long dflt) {
        String v = conf(key);
        if (v == null || v.length() == 0 || v.length() > 12)
            return dflt;
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9')
                return dflt;
            n = n * 10 + (c - '0');
        }
        return n > 0 ? n : dflt;
    }

    private static long isqrt(long n) {
        long r = 0, bit = 1L << 30;
        while (bit > n)
            bit >>= 2;
        while (bit != 0) {
            if (n >= r + bit) {
                n -= r + bit;
                r = (r >> 1) + bit;
            } else {
                r >>= 1;
            }
            bit >>= 2;
        }
        return r;
    }

    public void enqueue(Packet p) {
        if (count >= limit || count >= stamps.length) {
            drop(p);
            return;
        }
        stamps[(head + count) % stamps.length] = now();
        count++;
        q.enqueue(p);
        length++;
    }

    private Packet pop() {
        head = (head + 1) % stamps.length;
        count--;
        length--;
        return q.dequeue();
    }

    public Packet dequeue() {
        while (count > 0) {
            long t = now();
            long sojourn = t - stamps[head];
            if (sojourn < target || count == 1) {
                firstAbove = 0;
                dropping = false;
                return pop();
            }
            if (firstAbove == 0) {
                firstAbove = t + interval;
                return pop();
            }
            if (!dropping && t >= firstAbove) {
                dropping = true;
                drops = 1;
                dropNext = t + interval;
                drop(pop());
                continue;
            }
            if (dropping && t >= dropNext) {
                drops++;
                dropNext = t + interval * 1000 / (isqrt(drops * 1000000L));
                drop(pop());
                continue;
            }
            return pop();
        }
        return null;
    }
}
