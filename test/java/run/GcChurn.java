public class GcChurn {
    static class Node { Node next; int[] payload; Node(Node n, int k) { next = n; payload = new int[k]; } }
    public static void main(String[] args) {
        long sum = 0; Node keep = null;
        for (int round = 0; round < 200; round++) {
            Node list = null;
            for (int i = 0; i < 1000; i++) list = new Node(list, 16);
            int n = 0; for (Node p = list; p != null; p = p.next) n++;
            sum += n;
            if (round % 50 == 0) keep = new Node(keep, 1000);
            String s = "round" + round; sum += s.length();
        }
        int kept = 0; for (Node p = keep; p != null; p = p.next) kept++;
        System.out.println(sum + " " + kept);
    }
}
