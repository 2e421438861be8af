package dev.lapse.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lapse.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger of {@link LapseLogging}: formats each event as one JSON object or one readable line. */
final class LapseLogger extends LegacyAbstractLogger {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    LapseLogger(String name) {
        this.name = name;
    }

    private boolean on(Level candidate) {
        return LapseLogging.enabled(LapseLogging.threshold(name), candidate);
    }

    @Override public boolean isTraceEnabled() { return on(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return on(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return on(Level.INFO); }
    @Override public boolean isWarnEnabled() { return on(Level.WARN); }
    @Override public boolean isErrorEnabled() { return on(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable error) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        Map<String, String> fields = LogFields.current();
        LapseLogging.write(LapseLogging.currentFormat() == LapseLogging.Format.JSON
                ? json(Instant.now(), level, name, message, fields, error)
                : text(LocalTime.now(), level, name, message, fields, error));
    }

    /** One JSON object: timestamp (RFC 3339, UTC), level, logger, message, the fields, error (with its stack trace). */
    static String json(Instant at, Level level, String logger, String message, Map<String, String> fields, Throwable error) {
        ObjectNode line = Json.object()
                .put("timestamp", Instant.ofEpochMilli(at.toEpochMilli()).toString())
                .put("level", level.name())
                .put("logger", logger)
                .put("message", message);
        for (String key : LogFields.ORDER) {
            put(line, key, fields.get(key));
        }
        fields.forEach((key, value) -> {
            if (!LogFields.ORDER.contains(key)) {
                put(line, key, value);
            }
        });
        if (error != null) {
            line.put("error", error.toString()).put("stackTrace", stackTrace(error));
        }
        return Json.write(line);
    }

    /** {@code 12:00:00.123 INFO  JobRunner - message [jobId=... jobType=... ...]}, then the stack trace if any. */
    static String text(LocalTime at, Level level, String logger, String message, Map<String, String> fields, Throwable error) {
        StringBuilder line = new StringBuilder()
                .append(TIME.format(at)).append(' ')
                .append(String.format("%-5s", level.name())).append(' ')
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ").append(message);
        StringBuilder tail = new StringBuilder();
        for (String key : LogFields.ORDER) {
            if (fields.get(key) != null) {
                tail.append(tail.isEmpty() ? "" : " ").append(key).append('=').append(fields.get(key));
            }
        }
        fields.forEach((key, value) -> {
            if (!LogFields.ORDER.contains(key) && value != null) {
                tail.append(tail.isEmpty() ? "" : " ").append(key).append('=').append(value);
            }
        });
        if (!tail.isEmpty()) {
            line.append(" [").append(tail).append(']');
        }
        if (error != null) {
            line.append(System.lineSeparator()).append(stackTrace(error).stripTrailing());
        }
        return line.toString();
    }

    private static void put(ObjectNode line, String key, String value) {
        if (value == null) {
            return;
        }
        if (key.equals(LogFields.ATTEMPT)) {
            try {
                line.put(key, Integer.parseInt(value)); // a number, so that Logs Insights can filter attempt > 1
                return;
            } catch (NumberFormatException e) {
                // written as it is
            }
        }
        line.put(key, value);
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
