package dev.lapse.local;

import java.util.List;

/**
 * {@code ./lapse bench}'s main class (the lapse script runs it when a {@code bench} argument is
 * given): the command line is read by {@link LocalMain}; anything but {@code bench} goes on to it.
 * The bench starts its own runtimes, so the runtime options are named as ignored on stderr.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        LocalMain.Command command;
        try {
            command = LocalMain.parse(args);
        } catch (LocalMain.UsageError e) {
            command = null;
        }
        if (command == null || command.help() || !command.name().equals("bench")) {
            LocalMain.main(args);
            return;
        }
        if (command.logFormat() != null) {
            dev.lapse.observe.LapseLogging.useFormat(command.logFormat());
        }
        List<String> ignored = command.runtimeOptions();
        if (!ignored.isEmpty()) {
            System.err.println("lapse: bench ignores " + String.join(", ", ignored)
                    + ": it starts its own runtimes, on free ports of 127.0.0.1, with the settings each measurement needs");
        }
        int code;
        try {
            code = Bench.run(LocalMain.findRoot());
        } catch (RuntimeException e) {
            System.err.println("lapse: bench failed: " + e.getMessage());
            code = LocalMain.FAILED;
        }
        System.exit(code);
    }
}
