package dev.lapse.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The tables {@code template.yaml} declares (keys, indexes), as the local runtime creates them, in a DynamoDB Local
 * running in-process: the unit tests of the DynamoDB adapters run on them, a fresh set per test. One DynamoDB Local per
 * test JVM ({@link #shared()}), started on first use and stopped when the JVM exits; tests that use it run one at a time.
 */
final class TemplateTables {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();
    private static TemplateTables shared;
    private final AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    private final DynamoDbClient dynamo = local.dynamoDbClient();

    private TemplateTables() {
        Runtime.getRuntime().addShutdownHook(new Thread(local::shutdownNow, "template-tables-shutdown"));
    }

    /** The DynamoDB Local of this test JVM. */
    static synchronized TemplateTables shared() {
        if (shared == null) {
            shared = new TemplateTables();
        }
        return shared;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The template's tables, new and empty (those made before are dropped), TTL off; their names by logical id. */
    Map<String, String> fresh() {
        dynamo.listTables().tableNames().forEach(name -> dynamo.deleteTable(r -> r.tableName(name)));
        new LocalResources(Template.load(ROOT.resolve("template.yaml"), Map.of())).createTables(dynamo, true);
        Map<String, String> byId = new HashMap<>();
        for (String name : dynamo.listTables().tableNames()) {
            byId.put(name.substring(name.lastIndexOf('-') + 1), name); // <stack>-<logical id>
        }
        return byId;
    }
}
