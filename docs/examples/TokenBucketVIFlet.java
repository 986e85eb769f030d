/**
 * A token-bucket shaper written as a VIFlet, using timers (seed VII.1): the
 * VIF sends at most `rate` bits per second with bursts of up to `burst`
 * bytes, holding at most `limit` packets (more are dropped). Only outbound
 * packets are shaped: inbound ones (a TCP sender's ACKs) pass at once, so
 * they never wait behind the shaped data.
 *
 * conf keys: rate (bits/s, default 1000000), burst (bytes, default 3000),
 * limit (packets, default 200).
 */
public class TokenBucketVIFlet extends VIFlet {
    private final Queue q = new Queue();
    private final Queue inbound = new Queue();
    private long rate;        // bits per second
    private long burst;       // bytes
    private int limit;
    private long tokens;      // bytes * 1,000,000 (micro-byte resolution)
    private long last;        // microseconds
    private boolean timerArmed;

    public TokenBucketVIFlet() {
        rate = number("rate", 1000000);
        burst = number("burst", 3000);
        limit = (int) number("limit", 200);
        tokens = burst * 1000000L;
        last = now();
    }

    private long number(String key, long dflt) {
        String v = conf(key);
        if (v == null)
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

    private void refill() {
        long t = now();
        tokens += (t - last) * rate / 8;           // bytes * 1e6 per microsecond
        if (tokens > burst * 1000000L)
            tokens = burst * 1000000L;
        last = t;
    }

    public void enqueue(Packet p) {
        if (p.inbound()) {
            inbound.enqueue(p);
            length++;
            return;
        }
        if (q.size() >= limit) {
            drop(p);
            return;
        }
        q.enqueue(p);
        length++;
    }

    public Packet dequeue() {
        if (!inbound.isEmpty()) {
            length--;
            return inbound.dequeue();
        }
        Packet p = q.peek();
        if (p == null)
            return null;
        refill();
        long need = p.length() * 1000000L;
        if (tokens < need) {
            if (!timerArmed) {
                long wait = (need - tokens) * 8 / rate + 1;   // microseconds
                setTimer((int) Math.min(wait, 1000000L));
                timerArmed = true;
            }
            return null;
        }
        tokens -= need;
        length--;
        return q.dequeue();
    }

    public void timeout() {
        timerArmed = false;     // the VIF calls dequeue() again now
    }
}
