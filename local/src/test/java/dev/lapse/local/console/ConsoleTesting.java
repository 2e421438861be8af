package dev.lapse.local.console;

import java.net.URI;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;

/** The console's test entry points for tests in other packages (the scenarios run the console on the local runtime). */
public final class ConsoleTesting {
    private ConsoleTesting() {
    }

    public static ChromeDriver browser(Path profile) {
        return Browser.start(profile);
    }

    public static Path screenshot(ChromeDriver driver, String name) {
        return Browser.screenshot(driver, name);
    }

    /** {@code ./lapse console --stack NAME --region us-east-1 --port 0 --endpoint-url ENDPOINT}, with test credentials. */
    public static ConsoleServer startStackConsole(String stack, URI endpoint) throws Exception {
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        return ConsoleCommand.start(ConsoleCommand.parse(new String[] {"console", "--stack", stack, "--region", "us-east-1", "--port", "0",
                "--endpoint-url", endpoint.toString()}));
    }

    /** The message a stack console fails to start with. */
    public static String stackConsoleError(String stack, URI endpoint) {
        try (ConsoleServer server = startStackConsole(stack, endpoint)) {
            return "started on port " + server.port();
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }
}
