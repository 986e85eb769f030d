// vifvm: --budget 10000000
// expect: aborted: instruction budget exhausted
public class InfiniteLoop {
    public static void main(String[] args) { int i = 0; while (true) { i++; } }
}
