/**
 * A read-only view of one packet held by the VIFlet (seed VI.3.2.1).
 * Offsets count from the network (IPv4/IPv6) header; multi-byte reads are
 * big-endian and unsigned (getInt may come out negative as a Java int).
 * A packet may be stored in at most one place (field, array element, queue):
 * storing it in a second place aborts the VIFlet (seed VI.1.3.4).
 */
public final class Packet {
    private long handle;   // the host's packet; 0 once it has left the VIFlet
    private int slot;      // the VM's bookkeeping: where it is in the table of held packets
    // What the host said about the packet, asked once (the VM resets them
    // when the object carries another packet; the JIT reads them inline):
    private long data;     // address of the bytes from the network header on
    private int dlen;      // their number; -1: not asked yet
    private int proto;     // protocol(); -1: not worked out yet
    private int ports;     // srcPort() << 16 | dstPort(), known with proto
    private int wlen;      // length(); -1: not asked yet

    private Packet() {}

    /** Bytes on the wire. */
    public native int length();
    public native int getByte(int off);
    public native int getShort(int off);
    public native int getInt(int off);
    /** IP protocol number of the transport header (6 TCP, 17 UDP, 1 ICMP, ...), 0 if not IP. */
    public native int protocol();
    /** TCP/UDP/SCTP ports, 0 if none. */
    public native int srcPort();
    public native int dstPort();
    /** True for packets arriving from the wire (ingress). */
    public native boolean inbound();
    /** Process id of the sender/receiver, 0 if unknown. */
    public native int pid();
    /** Internet checksum (ones' complement of the ones' complement sum) of len bytes at off. */
    public native int checksum(int off, int len);
}
