package dev.lapse.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A function of the template: where its deployable jar is (CodeUri), which handler it names, and its memory (MB). */
record FunctionJar(String logicalId, Path jar, String handler, int memoryMb) {
    /** Lambda's default memory, when neither the function nor Globals sets one. */
    static final int DEFAULT_MEMORY_MB = 128;

    /**
     * The options Lambda's Java runtime starts its JVM with, for this function's memory, as seen on its java17 runtime (the
     * template's java21 is launched the same way as far as AWS documents it; this bench's JVM is the machine's JDK): a heap of 85 % of it,
     * the serial collector, class-data sharing and C1 only (the runtime's command line as seen from a wrapper script,
     * github.com/DataDog/datadog-lambda-extension/pull/117, and its current form with {@code -Xshare:on} and the
     * runtime's own archive; the local JDK's default archive stands in for that one). The template's
     * {@code JAVA_TOOL_OPTIONS} are read as well, as in Lambda. And {@code -XX:MaxRAM} at the function's memory: in
     * Lambda the JVM's execution environment has that much memory, and the JVM sizes what the runtime's options leave
     * to it from it (the initial heap, 1/64 of it: 16 MB at 1,024 MB), where on this machine it would see all of the
     * machine's memory and start with a heap of hundreds of MB that no garbage collection interrupts during init.
     */
    List<String> lambdaJvmOptions() {
        return List.of("-XX:MaxHeapSize=" + Math.round(memoryMb * 1024 * 0.85) + "k", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true", "-XX:MaxRAM=" + memoryMb + "m");
    }

    /** The template's functions, with CodeUri and Handler as the template gives them (Globals merged in). */
    static List<FunctionJar> of(Path root, Template template) {
        List<FunctionJar> out = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, resource);
                Object memory = props.getOrDefault("MemorySize", DEFAULT_MEMORY_MB);
                out.add(new FunctionJar(id, root.resolve(String.valueOf(props.get("CodeUri"))).normalize(), String.valueOf(props.get("Handler")),
                        Integer.parseInt(String.valueOf(memory))));
            }
        });
        return out;
    }
}
