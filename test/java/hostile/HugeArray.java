// vifvm: --heap 16000000
// expect: aborted: heap limit exceeded
public class HugeArray {
    public static void main(String[] args) { long[] a = new long[Integer.MAX_VALUE]; System.out.println(a.length); }
}
