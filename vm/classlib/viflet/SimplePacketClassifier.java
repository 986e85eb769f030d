/**
 * The standard classifier. Policy (lower class = more urgent):
 * <ul>
 * <li>0: control and interactive traffic: ICMP (1), IGMP (2), ICMPv6 (58),
 *     and TCP/UDP to or from ports 22 (ssh), 23 (telnet), 53 (DNS),
 *     123 (NTP), 67/68 (DHCP); or any TCP/UDP port given to the constructor;</li>
 * <li>1: other UDP (17);</li>
 * <li>2: TCP (6) to or from ports 80, 443, 8080 (web);</li>
 * <li>3: everything else (other TCP, other protocols, non-IP).</li>
 * </ul>
 */
public class SimplePacketClassifier implements PacketClassifier {
    private final int priorityPort;

    public SimplePacketClassifier() { this(-1); }
    /** Additionally puts TCP/UDP packets with this source or destination port in class 0. */
    public SimplePacketClassifier(int priorityPort) { this.priorityPort = priorityPort; }

    private static boolean interactive(int port) {
        return port == 22 || port == 23 || port == 53 || port == 123 || port == 67 || port == 68;
    }

    public int classify(Packet p) {
        int proto = p.protocol();
        if (proto == 1 || proto == 2 || proto == 58)
            return 0;
        if (proto == 6 || proto == 17) {
            int s = p.srcPort(), d = p.dstPort();
            if (s == priorityPort || d == priorityPort || interactive(s) || interactive(d))
                return 0;
            if (proto == 17)
                return 1;
            if (s == 80 || d == 80 || s == 443 || d == 443 || s == 8080 || d == 8080)
                return 2;
        }
        return 3;
    }
}
