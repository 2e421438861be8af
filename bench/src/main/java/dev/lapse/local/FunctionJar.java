package dev.lapse.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A function of the template: where its deployable jar is (CodeUri) and which handler it names. */
record FunctionJar(String logicalId, Path jar, String handler) {

    /** The template's functions, with CodeUri and Handler as the template gives them (Globals merged in). */
    static List<FunctionJar> of(Path root, Template template) {
        List<FunctionJar> out = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            if ("AWS::Serverless::Function".equals(resource.get("Type"))) {
                Map<String, Object> props = TemplateModel.functionProperties(template, resource);
                out.add(new FunctionJar(id, root.resolve(String.valueOf(props.get("CodeUri"))).normalize(), String.valueOf(props.get("Handler"))));
            }
        });
        return out;
    }
}
