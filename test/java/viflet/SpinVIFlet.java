// A hostile VIFlet: loops forever in enqueue.
public class SpinVIFlet extends VIFlet {
    public void enqueue(Packet p) { for (;;) { length++; } }
}
