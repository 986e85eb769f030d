public class Strings1 {
    public static void main(String[] args) {
        String s = "Hello, VIFlet World";
        System.out.println(s.length() + " " + s.charAt(4) + " " + s.indexOf('V') + " " + s.indexOf("World") + " " + s.lastIndexOf('o'));
        System.out.println(s.substring(7) + "|" + s.substring(0, 5) + "|" + s.toUpperCase() + "|" + s.toLowerCase());
        System.out.println(s.startsWith("Hell") + " " + s.endsWith("World") + " " + s.contains("VIF") + " " + s.isEmpty() + " " + "".isEmpty());
        System.out.println("  trim me  ".trim() + "|" + s.replace('o', '0') + "|" + "ab".compareTo("abc") + " " + "b".compareTo("a"));
        System.out.println("abc".equals("abc") + " " + "abc".equalsIgnoreCase("ABC") + " " + "x".repeat(3) + " " + s.hashCode());
        StringBuilder sb = new StringBuilder("start");
        sb.append(1).append('c').append(2L).append(true).append(1.5).append(2.5f).append((Object) null).append(new char[] { 'x', 'y' });
        System.out.println(sb + " " + sb.length());
        sb.reverse(); System.out.println(sb);
        sb.setLength(3); sb.insert(1, "--"); sb.setCharAt(0, 'Q'); sb.deleteCharAt(2); System.out.println(sb);
        System.out.println(Integer.toString(255, 16) + " " + Integer.toHexString(-1) + " " + Integer.toBinaryString(10) + " " + Integer.parseInt("-123") + " " + Integer.parseInt("7f", 16));
        System.out.println(Long.parseLong("-9223372036854775808") + " " + Integer.valueOf(77) + " " + Boolean.parseBoolean("TRUE") + " " + Character.isDigit('5') + Character.isLetter('x'));
        System.out.println(Character.toUpperCase('q') + "" + Character.toLowerCase('Q') + Character.digit('f', 16) + Character.forDigit(11, 16));
        System.out.println(Integer.MAX_VALUE + 1 + " " + Integer.bitCount(255) + " " + Integer.numberOfLeadingZeros(1) + " " + Integer.reverse(1) + " " + Integer.signum(-9));
        char[] cs = s.toCharArray(); int vowels = 0; for (char c : cs) if ("aeiou".indexOf(c) >= 0) vowels++; System.out.println(vowels);
        String joined = ""; for (String w : new String[] { "a", "b", "c" }) joined = joined.isEmpty() ? w : joined + "," + w; System.out.println(joined);
        System.out.println(String.valueOf(3.0f) + String.valueOf('c') + String.valueOf(false) + String.valueOf((Object) null));
    }
}
