package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.lapse.Lapse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** Every function of template.yaml names a handler that exists, and the one jar the Maven build produces as its CodeUri. */
class TemplateContractTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    /** Issue 8 item 16: the function jar at most 8 MB. */
    static final long JAR_LIMIT_BYTES = 8_000_000;
    private static final Pattern CODE_URI = Pattern.compile("functions/([a-z0-9-]+)/target/([a-z0-9-]+)-lambda\\.jar");

    @Test
    void everyHandlerExistsAndCanBeConstructedByLambdaAndByTheLocalRuntime() throws Exception {
        Template template = Template.load(ROOT.resolve("template.yaml"), Map.of());
        int functions = 0;
        for (var entry : template.resources().entrySet()) {
            if (!"AWS::Serverless::Function".equals(entry.getValue().get("Type"))) {
                continue;
            }
            functions++;
            Map<String, Object> props = TemplateModel.functionProperties(template, entry.getValue());
            String handler = String.valueOf(props.get("Handler"));
            assertThat(handler).as(entry.getKey() + " Handler").endsWith("::handleRequest");
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
            assertThat(RequestHandler.class.isAssignableFrom(type) || RequestStreamHandler.class.isAssignableFrom(type))
                    .as(type + " is a Lambda handler").isTrue();
            assertThat(type.getConstructor()).as("no-arg constructor used by Lambda").isNotNull();
            assertThat(type.getConstructor(Lapse.class)).as("constructor used by tests and the local runtime").isNotNull();
            assertThat(props.get("Runtime")).as(entry.getKey() + " Runtime").isEqualTo("java21");
        }
        assertThat(functions).isEqualTo(6);
    }

    @Test
    void everyFunctionRunsFromTheOneJarTheMavenBuildProduces() throws Exception {
        Template template = Template.load(ROOT.resolve("template.yaml"), Map.of());
        String parentPom = Files.readString(ROOT.resolve("pom.xml"));
        Set<String> codeUris = new TreeSet<>();
        Set<String> handlerClasses = new TreeSet<>();
        for (var entry : template.resources().entrySet()) {
            if ("AWS::Serverless::Function".equals(entry.getValue().get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, entry.getValue());
                codeUris.add(String.valueOf(props.get("CodeUri")));
                String handler = String.valueOf(props.get("Handler"));
                handlerClasses.add(handler.substring(0, handler.indexOf("::")).replace('.', '/') + ".class");
            }
        }
        assertThat(codeUris).as("every function's CodeUri").hasSize(1);
        String codeUri = codeUris.iterator().next();
        Matcher m = CODE_URI.matcher(codeUri);
        assertThat(m.matches()).as("CodeUri " + codeUri + " has the form functions/<module>/target/<name>-lambda.jar").isTrue();
        String module = m.group(1);
        assertThat(parentPom).as("module functions/" + module + " is built by the parent pom").contains("<module>functions/" + module + "</module>");
        String modulePom = Files.readString(ROOT.resolve("functions").resolve(module).resolve("pom.xml"));
        assertThat(modulePom).as("functions/" + module + " finalName").contains("<finalName>" + m.group(2) + "</finalName>");
        assertThat(modulePom).as("functions/" + module + " builds the shaded, shrunk jar").contains("<artifactId>maven-shade-plugin</artifactId>")
                .contains("<artifactId>proguard-maven-plugin</artifactId>")
                .contains("<outputFile>${project.build.directory}/${project.build.finalName}-lambda.jar</outputFile>")
                .contains("<injar>${project.build.finalName}-lambda.jar</injar>").contains("<outjar>${project.build.finalName}-lambda.jar</outjar>");
        for (Matcher handlerModule = Pattern.compile("<module>(functions/[a-z0-9-]+)</module>").matcher(parentPom); handlerModule.find(); ) {
            if (!handlerModule.group(1).equals("functions/" + module)) {
                String artifact = Files.readString(ROOT.resolve(handlerModule.group(1)).resolve("pom.xml"))
                        .replaceAll("(?s).*?</parent>\\s*<artifactId>([^<]+)</artifactId>.*", "$1");
                assertThat(modulePom).as(handlerModule.group(1) + " is in the jar").contains("<artifactId>" + artifact + "</artifactId>");
            }
        }
        Path jar = ROOT.resolve(codeUri);
        assertThat(jar).as("built by `mvn package` before this module's tests").exists();
        assertThat(Files.size(jar)).as(jar + " size in bytes (≤ 8 MB; a JDK without jmods skips the ProGuard step, see pom.xml)")
                .isLessThanOrEqualTo(JAR_LIMIT_BYTES);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(handlerClasses).as("every function's handler class is in " + jar).hasSize(6)
                    .allSatisfy(entry -> assertThat(zip.getEntry(entry)).as(entry).isNotNull());
        }
    }
}
