// vifvm: --heap 8000000
// expect: aborted: heap limit exceeded
public class AllocBomb {
    static class Cell { Cell next; long[] pad = new long[64]; Cell(Cell n) { next = n; } }
    public static void main(String[] args) { Cell c = null; for (;;) c = new Cell(c); }
}
