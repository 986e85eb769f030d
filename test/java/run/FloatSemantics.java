public class FloatSemantics {
    public static void main(String[] args) {
        double nan = 0.0 / 0, inf = 1.0 / 0;
        System.out.println((nan < 1) + " " + (nan > 1) + " " + (nan == nan) + " " + (nan != nan) + " " + (inf > 1e308));
        System.out.println((int) nan + " " + (long) nan + " " + (int) inf + " " + (int) -inf + " " + (long) inf + " " + (long) -inf);
        System.out.println((int) 3.99 + " " + (int) -3.99 + " " + (long) 1e19 + " " + (int) 2147483647.5 + " " + (int) -2147483648.7);
        System.out.println((int) 1e10f + " " + (long) -1e30f + " " + (int) Float.NaN + " " + (char) 65.7 + " " + (byte) 300.5);
        System.out.println(5.5 % 2 + " " + -5.5 % 2 + " " + 5.5 % -2 + " " + 1.0 % 0 + " " + (float) (7.25f % 2f));
        System.out.println(Math.sqrt(2) + " " + Math.pow(2, 0.5) + " " + Math.floor(-1.5) + " " + Math.ceil(-1.5) + " " + Math.abs(-0.0));
        System.out.println(Math.round(2.5) + " " + Math.round(-2.5) + " " + Math.round(0.49999999999999994) + " " + Math.round(2.5f) + " " + Math.round(nan));
        System.out.println(Math.max(-0.0, 0.0) + " " + Math.min(-0.0, 0.0) + " " + Math.max(nan, 1) + " " + Math.min(1f, 2f));
        System.out.println(Double.compare(0.0, -0.0) + " " + Double.compare(nan, inf) + " " + Double.isNaN(nan) + " " + Double.isInfinite(-inf));
        System.out.println(Double.doubleToLongBits(1.0) + " " + Float.floatToIntBits(1.0f) + " " + Double.longBitsToDouble(4614253070214989087L));
        float f = 16777216f; f += 1; System.out.println(f);
        double big = 1e308; System.out.println(big * 10 + " " + (-big * 10) + " " + (1e-320 / 1e10));
        long l = Long.MAX_VALUE; System.out.println((double) l + " " + (float) l + " " + (double) (l - 1));
        int i = 16777217; System.out.println((float) i + " " + (double) i);
        System.out.println(1.0f * 0.1f == 0.1f ? "same" : "diff");
        System.out.println(0.1 + 0.7 + " " + (0.1f + 0.7f));
    }
}
