package dev.lapse.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lapse.json.Json;
import dev.lapse.scenarios.localstack.DeploymentPlan;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One allow-list of the SAM template: what {@link TemplateModel} accepts, the local runtime and the
 * LocalStack deployment plan both accept, and what it refuses, both refuse. Fails as soon as either
 * keeps a list of its own that differs.
 */
class TemplateModelTest {
    private static final Path ROOT = Path.of(System.getProperty("lapse.root", "..")).toAbsolutePath().normalize();

    /** A template with one resource of every allowed type, setting every allowed property (and one function with every event type). */
    private static Map<String, Object> everythingAllowed() {
        Map<String, Object> resources = new LinkedHashMap<>();
        for (String type : TemplateModel.resourceTypes()) {
            Map<String, Object> props = new LinkedHashMap<>();
            TemplateModel.propertiesOf(type).forEach(p -> props.put(p, "x"));
            if (props.containsKey("Events")) {
                Map<String, Object> events = new LinkedHashMap<>();
                for (String eventType : TemplateModel.eventTypes()) {
                    Map<String, Object> eventProps = new LinkedHashMap<>();
                    TemplateModel.eventPropertiesOf(eventType).forEach(p -> eventProps.put(p, "x"));
                    events.put("On" + eventType, new LinkedHashMap<>(Map.of("Type", eventType, "Properties", eventProps)));
                }
                props.put("Events", events);
            }
            resources.put(type.replace(":", ""), new LinkedHashMap<>(Map.of("Type", type, "Properties", props)));
        }
        return resources;
    }

    private static Template template(Map<String, Object> resources) {
        return Template.parse(new StringReader(Json.write(Map.of("AWSTemplateFormatVersion", "2010-09-09",
                "Transform", "AWS::Serverless-2016-10-31", "Resources", resources))), Map.of());
    }

    @Test
    void everyAllowedTypePropertyAndEventIsAcceptedByBoth() {
        Template all = template(everythingAllowed());

        assertThatCode(() -> TemplateModel.validate(all)).as("the local runtime").doesNotThrowAnyException();
        assertThatCode(() -> DeploymentPlan.of(all, ROOT)).as("the LocalStack deployment plan").doesNotThrowAnyException();
    }

    @Test
    void aPropertyOutsideTheModelIsRefusedByBothOnEveryTypeAndEvent() {
        for (String type : TemplateModel.resourceTypes()) {
            Map<String, Object> resources = everythingAllowed();
            Map<String, Object> resource = Template.map(resources.get(type.replace(":", "")));
            Template.map(resource.get("Properties")).put("Bogus", "x");
            assertRefusedByBoth(template(resources), "property Bogus of " + type);
        }
        for (String eventType : TemplateModel.eventTypes()) {
            assertRefusedByBoth(withEventProperty(eventType, "Bogus"), "property Bogus of a " + eventType + " event");
        }
        // real SAM properties outside the model, which the local runtime does not implement (a deployer alone must not take them)
        assertRefusedByBoth(withEventProperty("SQS", "FilterCriteria"), "property FilterCriteria of a SQS event");
        assertRefusedByBoth(withEventProperty("EventBridgeRule", "Input"), "property Input of a EventBridgeRule event");
        assertRefusedByBoth(withEventProperty("EventBridgeRule", "RuleName"), "property RuleName of a EventBridgeRule event");
        Map<String, Object> resources = everythingAllowed();
        resources.put("Bucket", Map.of("Type", "AWS::S3::Bucket"));
        assertRefusedByBoth(template(resources), "type AWS::S3::Bucket");
    }

    private static Template withEventProperty(String eventType, String property) {
        Map<String, Object> resources = everythingAllowed();
        Map<String, Object> function = Template.map(Template.map(resources.get("AWSServerlessFunction")).get("Properties"));
        Template.map(Template.map(Template.map(function.get("Events")).get("On" + eventType)).get("Properties")).put(property, "x");
        return template(resources);
    }

    private static void assertRefusedByBoth(Template template, String named) {
        assertThatThrownBy(() -> TemplateModel.validate(template)).as("the local runtime").isInstanceOf(TemplateException.class)
                .hasMessageContaining(named);
        assertThatThrownBy(() -> DeploymentPlan.of(template, ROOT)).as("the LocalStack deployment plan").isInstanceOf(TemplateException.class)
                .hasMessageContaining(named);
    }
}
