/** Maps a packet to a small non-negative class number. */
public interface PacketClassifier {
    int classify(Packet p);
}
