// A hostile VIFlet: stores a packet in an array slot twice (allowed: still
// one place), moves it between slots, then into a second slot while the
// first still holds it (seed VI.1.3.4: aborts). The JIT's inline aastore
// keeps the same counts as the interpreter's (vm_jit_same).
public class ArrayDupVIFlet extends VIFlet {
    private Packet[] slots = new Packet[4];
    private Object[] things = new Object[2];
    private int n;

    public void enqueue(Packet p) {
        n++;
        slots[0] = p;
        slots[0] = p;
        things[0] = "not a packet";
        slots[0] = null;
        slots[1] = p;
        length++;
        System.out.println("held " + n);
        if (n == 3)
            slots[2] = p;
    }

    public Packet dequeue() {
        Packet p = slots[1];
        if (p == null)
            return null;
        slots[1] = null;
        length--;
        return p;
    }
}
