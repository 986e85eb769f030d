public class FloatPrint {
    public static void main(String[] args) {
        double[] ds = { 0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 100.0, 1e6, 9999999.0, 1e7, 1.0E10,
            1.0E-5, 0.001, 0.0001, 1e-3, 123456.789, 1e21, 1e22, 1.7976931348623157E308, Double.MIN_VALUE,
            4.9e-324, 2.2250738585072014E-308, Math.PI, Math.E, 1.0 / 0, -1.0 / 0, 0.0 / 0, 5e-324, 1234567.0,
            0.5, 0.25, 3.0e-10, 6.02214076e23, 299792.458, 1.1, 2.675, 0.3, 100.5, 1e100, 1e-100, 12345678.9 };
        for (double d : ds) System.out.println(d + " " + (float) d + " " + (-d));
        float[] fs = { 0f, 1f, 0.1f, 1.1f, 3.4028235e38f, 1.4e-45f, 1e10f, 1e-5f, 0.001f, 16777216f, 1234567.9f, 33.33f, 1f / 3 };
        for (float f : fs) System.out.println(f + " " + (double) f);
        System.out.println(Double.toString(1e-3) + Float.toString(1e7f) + String.valueOf(2.5));
        double x = 0; for (int i = 0; i < 10; i++) x += 0.1; System.out.println(x);
        System.out.println((float) 0.1 + 0.2f);
    }
}
