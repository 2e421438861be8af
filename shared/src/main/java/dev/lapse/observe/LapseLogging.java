package dev.lapse.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.ThreadLocalMapOfStacks;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Lapse's SLF4J binding, in every function jar and in the local runtime: one line per event on standard output,
 * a JSON object in Lambda ({@code timestamp}, {@code level}, {@code logger}, {@code message}, the {@link LogFields}
 * set while a job or request is handled, {@code error}), readable text on a terminal.
 *
 * <p>Written here rather than taken from Powertools logging: that brings log4j-core and its JSON template layout
 * (about 2.6 MB of jars) into a function jar that has a few hundred kilobytes left under its 8 MB limit; this is a few
 * classes, and its lines are what Lambda's JSON log format and CloudWatch Logs Insights read (see README "Logs").
 *
 * <p>Settings (environment variable, or the system property in brackets):
 * <ul>
 *   <li>{@code LAPSE_LOG_LEVEL} [{@code lapse.log.level}]: TRACE, DEBUG, INFO, WARN or ERROR; otherwise Lambda's
 *       {@code AWS_LAMBDA_LOG_LEVEL} (the function's ApplicationLogLevel); otherwise INFO. A classpath resource
 *       {@value #LEVELS_RESOURCE} may set other levels per logger-name prefix ({@code org.elasticmq=warn}).</li>
 *   <li>{@code LAPSE_LOG_FORMAT} [{@code lapse.log.format}]: json or text; otherwise json in Lambda
 *       ({@code AWS_LAMBDA_FUNCTION_NAME} set), text elsewhere. {@link #useFormat} changes it at any time.</li>
 * </ul>
 */
public final class LapseLogging implements SLF4JServiceProvider {
    public enum Format { JSON, TEXT }

    static final String LEVELS_RESOURCE = "lapse-logging.properties";

    private static volatile Format format;
    private static volatile Consumer<String> sink;
    private static volatile Level level;
    private static volatile Prefixes prefixes;

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory loggerFactory = name -> loggers.computeIfAbsent(name, LapseLogger::new);
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdc = new ThreadMdc();

    static {
        configure(System.getenv(), System::getProperty);
    }

    /** Reads the settings (above) from {@code env} and {@code properties}; a value not understood is named on stderr. */
    static void configure(Map<String, String> env, Function<String, String> properties) {
        configure(env, properties, LapseLogging.class.getClassLoader().getResource(LEVELS_RESOURCE));
    }

    /** As {@link #configure(Map, Function)}, with the levels by prefix from {@code levelsResource} (none if null). */
    static void configure(Map<String, String> env, Function<String, String> properties, URL levelsResource) {
        String levelSetting = setting(env, properties, "LAPSE_LOG_LEVEL", "lapse.log.level");
        if (levelSetting == null) {
            levelSetting = env.get("AWS_LAMBDA_LOG_LEVEL");
        }
        level = levelSetting == null ? Level.INFO : level(levelSetting, "LAPSE_LOG_LEVEL", Level.INFO);
        Format usual = env.get("AWS_LAMBDA_FUNCTION_NAME") != null ? Format.JSON : Format.TEXT;
        String formatSetting = setting(env, properties, "LAPSE_LOG_FORMAT", "lapse.log.format");
        format = usual;
        if (formatSetting != null) {
            try {
                format = format(formatSetting);
            } catch (IllegalArgumentException e) {
                // read while the logger binds: a throw here would fail every class that logs, with no word of why
                System.err.println("lapse: LAPSE_LOG_FORMAT (or lapse.log.format) is \"" + formatSetting + "\", not one of json, text; "
                        + usual.name().toLowerCase(Locale.ROOT) + " used");
            }
        }
        prefixes = new Prefixes(prefixLevels(levelsResource));
        sink = line -> System.out.println(line); // System.out as it is when the line is written (Lambda's runtime sets it)
    }

    private static String setting(Map<String, String> env, Function<String, String> properties, String variable, String property) {
        String value = properties.apply(property);
        if (value == null || value.isBlank()) {
            value = env.get(variable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The format of every line from now on (the local runtime's {@code --log-format}). */
    public static void useFormat(Format chosen) {
        format = chosen;
    }

    /** The level of every logger from now on, but those {@value #LEVELS_RESOURCE} sets (the bench quiets the runs). */
    public static void useLevel(Level chosen) {
        level = chosen;
    }

    /** "json" or "text", any case; anything else is refused with the accepted values named. */
    public static Format format(String name) {
        try {
            return Format.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("log format \"" + name + "\" is not one of: json, text");
        }
    }

    /** Where lines go from now on (tests); null puts back standard output. */
    public static void sendTo(Consumer<String> lines) {
        sink = lines != null ? lines : line -> System.out.println(line);
    }

    /**
     * The level from which {@code loggerName} writes: its longest prefix in {@value #LEVELS_RESOURCE}, else the level set.
     * Asked on every log call and on every {@code isDebugEnabled()} (the AWS SDK asks for each read of a response), so a
     * name's prefix is looked up once per configuration.
     */
    static Level threshold(String loggerName) {
        Prefixed set = prefixes.of(loggerName);
        return set.matched() ? set.level() : level;
    }

    /** {@code loggerName}'s level: that of its longest prefix (a whole name, or one followed by a dot) in {@code prefixes}, else {@code level}. */
    static Level threshold(String loggerName, Level level, Map<String, Level> prefixes) {
        Prefixed set = prefixed(loggerName, prefixes);
        return set.matched() ? set.level() : level;
    }

    /** The level of a logger name's longest prefix, if one matched (null level: off). */
    record Prefixed(boolean matched, Level level) {
    }

    private static final Prefixed NO_PREFIX = new Prefixed(false, null);

    private static Prefixed prefixed(String loggerName, Map<String, Level> prefixes) {
        Prefixed found = NO_PREFIX;
        int longest = -1;
        for (Map.Entry<String, Level> e : prefixes.entrySet()) {
            String prefix = e.getKey();
            if (loggerName.startsWith(prefix) && (loggerName.length() == prefix.length() || loggerName.charAt(prefix.length()) == '.')
                    && prefix.length() > longest) {
                longest = prefix.length();
                found = new Prefixed(true, e.getValue());
            }
        }
        return found;
    }

    /** The levels by prefix of one configuration, and what each logger name asked about found in them. */
    private record Prefixes(Map<String, Level> levels, Map<String, Prefixed> byName) {
        Prefixes(Map<String, Level> levels) {
            this(levels, new ConcurrentHashMap<>());
        }

        Prefixed of(String loggerName) {
            Prefixed known = byName.get(loggerName); // no lock once known, unlike computeIfAbsent
            return known != null ? known : byName.computeIfAbsent(loggerName, name -> prefixed(name, levels));
        }
    }

    static Format currentFormat() {
        return format;
    }

    static void write(String line) {
        try {
            sink.accept(line);
        } catch (RuntimeException e) {
            // a log line is never a reason to fail a run
        }
    }

    private static Level level(String name, String setting, Level otherwise) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("OFF") || upper.equals("FATAL")) {
            return upper.equals("OFF") ? null : Level.ERROR;
        }
        try {
            return Level.valueOf(upper);
        } catch (IllegalArgumentException e) {
            System.err.println("lapse: " + setting + " is \"" + name + "\", not one of TRACE, DEBUG, INFO, WARN, ERROR, OFF; "
                    + otherwise + " used");
            return otherwise;
        }
    }

    /** The levels by logger-name prefix of a properties file ({@code org.elasticmq=warn}); none without one. */
    static Map<String, Level> prefixLevels(URL resource) {
        if (resource == null) {
            return Map.of();
        }
        Properties file = new Properties();
        try (InputStream in = resource.openStream()) {
            file.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        Map<String, Level> levels = new LinkedHashMap<>();
        file.stringPropertyNames().stream().sorted(Comparator.naturalOrder())
                .forEach(prefix -> levels.put(prefix, level(file.getProperty(prefix), LEVELS_RESOURCE + " " + prefix, Level.INFO)));
        return levels;
    }

    /** True if a line of {@code candidate} is written where {@code threshold} is set (null threshold: none is). */
    static boolean enabled(Level threshold, Level candidate) {
        return threshold != null && candidate.toInt() >= threshold.toInt();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    /**
     * The MDC: each thread's own fields, never inherited by the threads it starts (a batch's workers outlive the
     * record they were started for; {@link dev.lapse.run.PartialBatch} hands them their fields explicitly).
     */
    static final class ThreadMdc implements MDCAdapter {
        private final ThreadLocal<Map<String, String>> fields = ThreadLocal.withInitial(LinkedHashMap::new);
        private final ThreadLocalMapOfStacks stacks = new ThreadLocalMapOfStacks();

        @Override public void put(String key, String val) { fields.get().put(key, val); }
        @Override public String get(String key) { return fields.get().get(key); }
        @Override public void remove(String key) { fields.get().remove(key); }
        @Override public void clear() { fields.get().clear(); }
        @Override public Map<String, String> getCopyOfContextMap() { return new LinkedHashMap<>(fields.get()); }

        @Override
        public void setContextMap(Map<String, String> contextMap) {
            Map<String, String> own = fields.get();
            own.clear();
            own.putAll(contextMap);
        }

        @Override public void pushByKey(String key, String value) { stacks.pushByKey(key, value); }
        @Override public String popByKey(String key) { return stacks.popByKey(key); }
        @Override public java.util.Deque<String> getCopyOfDequeByKey(String key) { return stacks.getCopyOfDequeByKey(key); }
        @Override public void clearDequeByKey(String key) { stacks.clearDequeByKey(key); }
    }
}
