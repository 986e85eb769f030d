/** The simplest VIFlet: the VIFlet class's own FIFO enqueue/dequeue, so every
 * packet goes through the VM and out again unchanged (the seed's "relay",
 * Figure 6.9). */
public class RelayVIFlet extends VIFlet {
}
