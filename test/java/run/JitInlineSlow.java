// Inlined bodies with slow paths (issue 9): small methods whose bodies can
// fault (null, bounds, division by zero), allocate (and so collect) or call
// a helper that throws are compiled in place; the slow path makes the
// callee's frame first. Exceptions caught in the caller and in its caller,
// a collection inside an inlined allocation while the caller holds objects
// in locals only, a growing ring as Queue's, and at the end an uncaught
// exception from an inlined body (its stack trace, compared across the
// VM's modes by vm_jit_same).
public class JitInlineSlow {
    static class Node { int v; Node next; Node(int v) { this.v = v; } }

    static class Box {
        int[] a;
        Object[] objs;
        Node head;
        int d;
        Box(int n, int d) { a = new int[n]; objs = new String[n]; this.d = d; }
        int get(int i) { return a[i]; }
        void put(int i, int v) { a[i] = v; }
        int len() { return a.length; }
        int div(int x) { return x / d; }
        int rem(int x) { return x % d; }
        void store(int i, Object o) { objs[i] = o; }
        int[] fresh(int n) { return new int[n]; }
        Node push(int v) { Node n = new Node(v); n.next = head; head = n; return n; }
        void grow() { int[] b = new int[a.length * 2 + 1]; b[0] = a.length; a = b; }
        int headv() { return head.v; }
        boolean small(int i) { return a[i] < 10; }
        int pick(int i) { return i > 0 ? a[i] : -1; }
        long wide(int i) { return i > 0 ? (long) a[i] << 33 : -1L; }
    }

    static class Cnt { int n; int m; void inc() { n++; m -= 7; } }

    // field increments (one add to memory), wrapping, on null
    static int bump(Cnt c, int k) {
        c.n++;
        c.n += 1000;
        c.m -= Integer.MIN_VALUE;
        c.n += k;
        c.inc();
        return c.n + c.m;
    }

    // `cond ? x : y` returned, in a method of its own
    static int sign(int x) { return x < 0 ? -1 : x > 0 ? 1 : 0; }

    static class Ring {
        private Object[] ring = new Object[2];
        private int head, count;
        void add(Object p) {
            if (count == ring.length) {
                Object[] n = new Object[ring.length * 2];
                for (int i = 0; i < count; i++) {
                    int k = (head + i) % ring.length;
                    n[i] = ring[k];
                    ring[k] = null;
                }
                ring = n;
                head = 0;
            }
            ring[(head + count) % ring.length] = p;
            count++;
        }
        Object take() {
            if (count == 0)
                return null;
            Object p = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            count--;
            return p;
        }
    }

    static int caught(Box b, int i) {
        try {
            return b.get(i);
        } catch (ArrayIndexOutOfBoundsException e) {
            System.out.println("caught in caller: " + e.getMessage());
            return -1;
        }
    }

    static int outer(Box b, int i) { return b.get(i) + 1; }

    // many locals, written in the loop (cached in registers, the volatile
    // ones too); the inlined get faults and the handler, interpreted, reads
    // them from their slots
    static int loopFault(Box b, int n) {
        int acc = 0, i = 0, x = 1, y = 2, z = 3, w = 5;
        try {
            for (i = 0; i < n; i++) {
                acc += i;
                x += acc;
                y ^= x;
                z += y;
                w += z;
                acc += b.get(i);
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            return acc + 3 * x + 5 * y + 7 * z + 11 * w + 13 * i;
        }
        return -1;
    }

    // Prepares every method once, so that the callers compiled later (at
    // their first call) find them prepared and compile them in place.
    static void warm() {
        Box w = new Box(2, 1);
        w.put(0, w.get(1) + w.len() + w.div(1) + w.rem(1));
        w.store(0, "w");
        w.fresh(1);
        w.push(1);
        w.headv();
        w.grow();
        w.small(0);
        w.pick(0);
        w.wide(0);
        new Cnt().inc();
        Ring r = new Ring();
        r.add("w");
        r.take();
    }

    public static void main(String[] args) {
        warm();
        run();
    }

    static void run() {
        Box b = new Box(4, 3);
        for (int i = 0; i < 4; i++)
            b.put(i, i * 10);
        System.out.println(b.get(2) + " " + b.len() + " " + b.div(10) + " " + b.rem(10));
        System.out.println(caught(b, 3) + " " + caught(b, 4) + " " + caught(b, -1));
        System.out.println(loopFault(b, 3) + " " + loopFault(b, 9));
        System.out.println(b.small(0) + " " + b.small(3) + " " + b.pick(0) + " " + b.pick(2) + " " + b.wide(0)
            + " " + b.wide(3) + " " + sign(-5) + " " + sign(0) + " " + sign(7));
        try {
            System.out.println(outer(b, 9));
        } catch (ArrayIndexOutOfBoundsException e) {
            System.out.println("caught two up: " + e.getMessage());
        }
        Cnt cn = new Cnt();
        cn.n = Integer.MAX_VALUE - 1000;
        System.out.println(bump(cn, 5) + " " + cn.n + " " + cn.m + " " + bump(cn, -3) + " " + cn.n + " " + cn.m);
        try {
            bump(null, 1);
        } catch (NullPointerException e) {
            System.out.println("npe bump");
        }
        Box z = new Box(1, 0);
        try {
            System.out.println(z.div(5));
        } catch (ArithmeticException e) {
            System.out.println("div: " + e.getMessage());
        }
        try {
            System.out.println(z.rem(5));
        } catch (ArithmeticException e) {
            System.out.println("rem: " + e.getMessage());
        }
        Box nb = new Box(2, 1);
        nb.a = null;
        try {
            System.out.println(nb.len());
        } catch (NullPointerException e) {
            System.out.println("npe len");
        }
        try {
            System.out.println(nb.headv());
        } catch (NullPointerException e) {
            System.out.println("npe headv");
        }
        try {
            b.store(0, "s");
            b.store(1, Integer.valueOf(3));
        } catch (ArrayStoreException e) {
            System.out.println("store: " + e.getMessage());
        }
        try {
            b.fresh(-2);
        } catch (NegativeArraySizeException e) {
            System.out.println("fresh: " + e.getMessage());
        }
        // allocation in inlined bodies, many collections; keep is only in a local
        Node keep = b.push(-1);
        long sum = 0;
        for (int i = 0; i < 20000; i++) {
            Node n = b.push(i);
            if (i % 100 == 0)
                b.head = keep;
            sum += n.v + b.fresh(8).length;
        }
        System.out.println("sum " + sum + " keep " + keep.v + " " + b.headv());
        for (int i = 0; i < 6; i++)
            b.grow();
        System.out.println("grown " + b.len() + " " + b.get(0));
        Ring r = new Ring();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            r.add("p" + i);
            if (i % 3 == 0)
                sb.append(r.take()).append(' ');
        }
        Object o;
        while ((o = r.take()) != null)
            sb.append(o).append(' ');
        System.out.println(sb);
        System.out.println(outer(b, 1 << 20));   // uncaught, from the inlined get
    }
}
