package dev.lapse.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code aws} commands of a README section, read the way a shell reads them (continuation
 * lines joined, quotes removed, a trailing {@code # comment} dropped, {@code &&} separating commands), so tests
 * can run or check them exactly as written.
 */
public final class ReadmeCommands {
    private static final Pattern BASH_BLOCK = Pattern.compile("(?s)```bash\\n(.*?)```");
    private static final Pattern STACK_OUTPUT = Pattern.compile(
            "(\\w+)=\\$\\(aws cloudformation describe-stacks .*?OutputKey=='(\\w+)'\\]\\.OutputValue\" --output text\\)");

    /** One {@code aws} command line: its words after {@code aws}. */
    public record Command(String line, List<String> words) {
        public boolean has(String option) {
            return words.contains(option);
        }

        /** The word after {@code option}, or null. */
        public String option(String option) {
            int i = words.indexOf(option);
            return i < 0 || i + 1 >= words.size() ? null : words.get(i + 1);
        }

        public boolean isLambdaInvoke() {
            return words.size() >= 2 && words.get(0).equals("lambda") && words.get(1).equals("invoke");
        }
    }

    private final List<Command> commands = new ArrayList<>();
    private final List<List<String>> shellCommands = new ArrayList<>();
    private final Map<String, String> stackOutputVariables = new LinkedHashMap<>();

    private ReadmeCommands(String markdown) {
        Matcher block = BASH_BLOCK.matcher(markdown);
        while (block.find()) {
            for (String line : block.group(1).replace("\\\n", " ").split("\n")) {
                String trimmed = line.strip();
                Matcher output = STACK_OUTPUT.matcher(trimmed);
                if (output.matches()) {
                    stackOutputVariables.put(output.group(1), output.group(2));
                    continue;
                }
                List<String> current = new ArrayList<>();
                for (String word : words(trimmed)) {
                    if (word.equals("&&")) {
                        add(trimmed, current);
                        current = new ArrayList<>();
                    } else {
                        current.add(word);
                    }
                }
                add(trimmed, current);
            }
        }
    }

    private void add(String line, List<String> words) {
        if (words.isEmpty()) {
            return;
        }
        shellCommands.add(List.copyOf(words));
        if (words.get(0).equals("aws")) {
            commands.add(new Command(line, List.copyOf(words.subList(1, words.size()))));
        }
    }

    /** The commands of the README section that starts at {@code heading}, up to the next heading of its level or higher. */
    public static ReadmeCommands inSection(Path readme, String heading) {
        try {
            return new ReadmeCommands(section(Files.readString(readme), heading));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code aws} commands. */
    public List<Command> commands() {
        return List.copyOf(commands);
    }

    /** Every command of the section's bash blocks, as shell words ({@code &&} separates commands). */
    public List<List<String>> shellCommands() {
        return List.copyOf(shellCommands);
    }

    /** Shell variable name -> the stack output it is read from ({@code VAR=$(aws cloudformation describe-stacks ...)}). */
    public Map<String, String> stackOutputVariables() {
        return Map.copyOf(stackOutputVariables);
    }

    /** The README text from {@code heading} to the next heading of the same or a higher level. */
    public static String section(String readme, String heading) {
        int start = readme.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new IllegalArgumentException("README has no section " + heading);
        }
        int level = heading.indexOf(' ');
        Matcher next = Pattern.compile("\n#{1," + level + "} ").matcher(readme);
        int end = next.find(start + heading.length() + 1) ? next.start() : readme.length();
        return readme.substring(start, end);
    }

    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
            } else if (word == null && c == '#') {
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quote in: " + line);
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }
}
