package dev.lapse.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson mapper Lapse uses. It keeps a job's payload exactly as sent: numbers are read as
 * {@code BigDecimal}/{@code BigInteger} with every digit and their scale (never a {@code double}), and a
 * key given twice is refused instead of the last one silently winning.
 */
public final class Json {
    /** The longest number (in characters) Lapse reads. */
    public static final int MAX_NUMBER_LENGTH = 1000;
    /** The longest string (in characters) Lapse reads. */
    public static final int MAX_STRING_LENGTH = 1_000_000;
    /** The deepest nesting Lapse reads; hostile nesting is refused before any depth check of our own runs. */
    public static final int MAX_NESTING_DEPTH = 200;

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The deepest JSON an EventBridge event carries: PutEvents "will only process nested JSON up to 1000 levels deep". */
    public static final int MAX_EVENT_NESTING_DEPTH = 1000;

    /**
     * As {@link #MAPPER}, but a duplicated key is read, the last one winning, instead of refused, and nesting is read as deep
     * as an EventBridge event goes ({@link #MAX_EVENT_NESTING_DEPTH}): only to tell who sent a request that is refused
     * anyway, and to quote it. (Disabling the check on a reader of {@code MAPPER} does not work: the parser's duplicate
     * detector is set up from the factory's features.)
     */
    public static final ObjectMapper ALLOWING_DUPLICATE_KEYS;

    static {
        MAPPER.getFactory().setStreamReadConstraints(readLimits(MAX_NESTING_DEPTH));
        ALLOWING_DUPLICATE_KEYS = MAPPER.copy().disable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        ALLOWING_DUPLICATE_KEYS.getFactory().setStreamReadConstraints(readLimits(MAX_EVENT_NESTING_DEPTH));
    }

    /** The limits Lapse reads JSON within ({@link #MAX_STRING_LENGTH}, {@link #MAX_NUMBER_LENGTH}), nested at most {@code maxDepth}. */
    public static StreamReadConstraints readLimits(int maxDepth) {
        return StreamReadConstraints.builder().maxNestingDepth(maxDepth).maxStringLength(MAX_STRING_LENGTH)
                .maxNumberLength(MAX_NUMBER_LENGTH).build();
    }

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes bytes that must be UTF-8, strictly: malformed or overlong sequences are an error, never replacement
     * characters (which would silently change what was sent).
     *
     * @throws CharacterCodingException the bytes are not UTF-8
     */
    public static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * A parser's complaint as a client can read it: without the Java types and Jackson settings it names ("(bound as
     * `com.fasterxml...`)", "not allowed as per `DeserializationFeature...`").
     */
    public static String problem(JsonProcessingException e) {
        return String.valueOf(e.getOriginalMessage())
                .replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                .replaceAll(":?\\s*not allowed as per `[^`]*`", "")
                .replaceAll(":?\\s*enable `[^`]*` to allow", " (not JSON)")
                .replaceAll("\\s*\\(not recognized as one since Feature '[A-Z_]*' not enabled for parser\\)", " (JSON has no comments)")
                .replaceAll("\\((\\d+), from `[^`]*`\\)", "($1)")
                .replaceAll(",? ?\\(?from `[^`]*`\\)?", "")
                .replaceAll("\\s*\\(for `[^`]*`\\)", "").strip();
    }

    /** What a JSON value is, as an error says it: "an object", "a number", "null", "missing". */
    public static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
