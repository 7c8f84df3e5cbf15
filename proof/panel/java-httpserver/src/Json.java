import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal, strict JSON (RFC 8259) reader and writer.
 * Values: Map<String,Object> (LinkedHashMap), List<Object>, String, Double, Boolean, Json.NULL.
 */
final class Json {
    static final Object NULL = new Object() {
        @Override public String toString() { return "null"; }
    };

    static final int MAX_DEPTH = 64;

    static final class ParseException extends Exception {
        ParseException(String msg) { super(msg); }
    }

    private final String s;
    private int pos;

    private Json(String s) { this.s = s; }

    /** Parses a complete JSON text. A leading BOM is ignored (RFC 8259 section 8.1 allows this). */
    static Object parse(String text) throws ParseException {
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        Json p = new Json(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != p.s.length()) throw p.err("unexpected data after JSON value");
        return v;
    }

    private ParseException err(String m) {
        return new ParseException(m + " at offset " + pos);
    }

    private void skipWs() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++; else break;
        }
    }

    private Object value(int depth) throws ParseException {
        if (depth > MAX_DEPTH) throw err("JSON nested too deeply");
        if (pos >= s.length()) throw err("unexpected end of JSON");
        char c = s.charAt(pos);
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': literal("true"); return Boolean.TRUE;
            case 'f': literal("false"); return Boolean.FALSE;
            case 'n': literal("null"); return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw err("unexpected character");
        }
    }

    private void literal(String lit) throws ParseException {
        if (!s.startsWith(lit, pos)) throw err("invalid literal");
        pos += lit.length();
    }

    private Map<String, Object> object(int depth) throws ParseException {
        pos++; // {
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
        while (true) {
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != '"') throw err("expected object member name");
            String k = string();
            skipWs();
            if (pos >= s.length() || s.charAt(pos) != ':') throw err("expected ':'");
            pos++;
            skipWs();
            Object v = value(depth + 1);
            m.put(k, v); // duplicate names: last one wins
            skipWs();
            if (pos >= s.length()) throw err("unterminated object");
            char c = s.charAt(pos++);
            if (c == ',') continue;
            if (c == '}') return m;
            pos--;
            throw err("expected ',' or '}'");
        }
    }

    private List<Object> array(int depth) throws ParseException {
        pos++; // [
        List<Object> l = new ArrayList<>();
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
        while (true) {
            skipWs();
            l.add(value(depth + 1));
            skipWs();
            if (pos >= s.length()) throw err("unterminated array");
            char c = s.charAt(pos++);
            if (c == ',') continue;
            if (c == ']') return l;
            pos--;
            throw err("expected ',' or ']'");
        }
    }

    private String string() throws ParseException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw err("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') break;
            if (c < 0x20) { pos--; throw err("unescaped control character in string"); }
            if (c == '\\') {
                if (pos >= s.length()) throw err("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': sb.append(hex4()); break;
                    default: pos--; throw err("invalid escape");
                }
            } else {
                sb.append(c);
            }
        }
        String out = sb.toString();
        // Reject unpaired surrogates (from \\u escapes): they are not Unicode text.
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < out.length() && Character.isLowSurrogate(out.charAt(i + 1))) { i++; continue; }
                throw err("unpaired surrogate in string");
            }
            if (Character.isLowSurrogate(c)) throw err("unpaired surrogate in string");
        }
        return out;
    }

    private char hex4() throws ParseException {
        if (pos + 4 > s.length()) throw err("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0 || s.charAt(pos + i) > 0x7f) throw err("invalid \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Double number() throws ParseException {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        if (pos >= s.length()) throw err("invalid number");
        char c = s.charAt(pos);
        if (c == '0') {
            pos++;
        } else if (c >= '1' && c <= '9') {
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        } else {
            throw err("invalid number");
        }
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            int d = pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
            if (pos == d) throw err("invalid number");
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
            int d = pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
            if (pos == d) throw err("invalid number");
        }
        if (pos - start > 400) throw err("number too long");
        double v = Double.parseDouble(s.substring(start, pos));
        if (Double.isInfinite(v) || Double.isNaN(v)) throw err("number out of range");
        return v;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    // ---------------------------------------------------------------- writer

    static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static void write(StringBuilder sb, Object v) {
        if (v == null || v == NULL) {
            sb.append("null");
        } else if (v instanceof String) {
            writeString(sb, (String) v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d).append(".0");
            else sb.append(Double.toString(d));
        } else if (v instanceof Number) {
            sb.append(v.toString());
        } else if (v instanceof Boolean) {
            sb.append(v.toString());
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                writeString(sb, e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<Object>) v) {
                if (!first) sb.append(',');
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else {
            writeString(sb, v.toString());
        }
    }

    static void writeString(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
