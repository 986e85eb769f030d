/**
 * A per-process fair queue: every process (Packet.pid(), 0 for packets of
 * unknown processes) gets its own queue, and the queues take turns by bytes
 * (deficit round robin with a 1514-byte quantum), so one process cannot
 * crowd out the others on this VIF. At most `limit` packets are held
 * (conf key, default 400); beyond that new packets are dropped.
 */
public class PidFairVIFlet extends VIFlet {
    private static final int MAXQ = 64;
    private static final int QUANTUM = 1514;
    private final int[] pids = new int[MAXQ];
    private final Queue[] queues = new Queue[MAXQ];
    private final int[] deficit = new int[MAXQ];
    private int nq;
    private int turn;
    private int limit = 400;

    public PidFairVIFlet() {
        String l = conf("limit");
        if (l != null && l.length() > 0 && l.length() < 7) {
            int n = 0;
            for (int i = 0; i < l.length(); i++)
                n = n * 10 + (l.charAt(i) - '0');
            if (n > 0)
                limit = n;
        }
    }

    private int slot(int pid) {
        for (int i = 0; i < nq; i++)
            if (pids[i] == pid)
                return i;
        if (nq == MAXQ)
            return pid == 0 ? 0 : Math.abs(pid) % MAXQ;   // share when full
        pids[nq] = pid;
        queues[nq] = new Queue();
        return nq++;
    }

    public void enqueue(Packet p) {
        if (length >= limit) {
            drop(p);
            return;
        }
        queues[slot(p.pid())].enqueue(p);
        length++;
    }

    public Packet dequeue() {
        if (length == 0)
            return null;
        for (int tries = 0; tries < 2 * MAXQ + 2; tries++) {
            Queue q = queues[turn];
            if (q != null && !q.isEmpty()) {
                Packet head = q.peek();
                if (deficit[turn] >= head.length()) {
                    deficit[turn] -= head.length();
                    length--;
                    return q.dequeue();
                }
                deficit[turn] += QUANTUM;
                if (deficit[turn] >= head.length())
                    continue;        // spend it now
            } else if (q != null) {
                deficit[turn] = 0;
            }
            turn = (turn + 1) % (nq == 0 ? 1 : nq);
        }
        return null;
    }
}
