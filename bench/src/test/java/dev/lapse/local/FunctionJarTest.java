package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The functions the bench starts cold: each with its memory, as Globals or the function sets it, and Lambda's JVM options for it. */
class FunctionJarTest {
    static final Path ROOT = Path.of("/project");

    static List<FunctionJar> functions(String yaml) {
        return FunctionJar.of(ROOT, Template.parse(new StringReader(yaml), Map.of()));
    }

    @Test
    void theFunctionsMemoryOrGlobalsOrLambdasDefaultSetsTheHeapAtEightyFivePercent() {
        List<FunctionJar> jars = functions("""
                AWSTemplateFormatVersion: '2010-09-09'
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    MemorySize: 1024
                    Runtime: java17
                Resources:
                  Small:
                    Type: AWS::Serverless::Function
                    Properties: {CodeUri: functions/small/target/small.jar, Handler: dev.example.Small, MemorySize: 512}
                  Global:
                    Type: AWS::Serverless::Function
                    Properties: {CodeUri: functions/global/target/global.jar, Handler: dev.example.Global}
                """);

        assertThat(jars).extracting(FunctionJar::logicalId, FunctionJar::memoryMb, FunctionJar::handler)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("Small", 512, "dev.example.Small"),
                        org.assertj.core.groups.Tuple.tuple("Global", 1024, "dev.example.Global"));
        FunctionJar small = jars.stream().filter(j -> j.logicalId().equals("Small")).findFirst().orElseThrow();
        assertThat(small.jar()).isEqualTo(Path.of("/project/functions/small/target/small.jar"));
        // 512 MB: 445,645k (85 %), the heap Lambda's runtime gives a 512-MB function, in a JVM that sees 512 MB of memory
        assertThat(small.lambdaJvmOptions()).containsExactly("-XX:MaxHeapSize=445645k", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true", "-XX:MaxRAM=512m");
        assertThat(jars.stream().filter(j -> j.logicalId().equals("Global")).findFirst().orElseThrow().lambdaJvmOptions())
                .startsWith("-XX:MaxHeapSize=891290k").endsWith("-XX:MaxRAM=1024m");

        assertThat(functions("""
                Resources:
                  Bare:
                    Type: AWS::Serverless::Function
                    Properties: {CodeUri: bare.jar, Handler: dev.example.Bare}
                """).get(0).memoryMb()).isEqualTo(FunctionJar.DEFAULT_MEMORY_MB);
    }
}
