package dev.lapse.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.Constructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Builds {"Ref": x} / {"Fn::X": ...} maps from the short-form tags (!Ref, !GetAtt, !Sub, ...). */
final class IntrinsicTags extends Constructor {
    IntrinsicTags() {
        super(new LoaderOptions());
        add("!Ref", "Ref", (node, c) -> c.scalar(node));
        add("!GetAtt", "Fn::GetAtt", (node, c) -> node instanceof ScalarNode
                ? List.of(c.scalar(node).split("\\.", 2)) : c.sequence(node));
        for (String fn : List.of("Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select", "Split", "FindInMap",
                "Base64", "GetAZs", "ImportValue", "Cidr", "Length", "ToJsonString")) {
            add("!" + fn, "Fn::" + fn, (node, c) -> node instanceof ScalarNode ? c.scalar(node) : c.sequence(node));
        }
        add("!Condition", "Condition", (node, c) -> c.scalar(node));
    }

    private void add(String tag, String key, BiFunction<Node, IntrinsicTags, Object> body) {
        this.yamlConstructors.put(new Tag(tag), new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(key, body.apply(node, IntrinsicTags.this));
                return m;
            }
        });
    }

    String scalar(Node node) {
        return constructScalar((ScalarNode) node);
    }

    List<Object> sequence(Node node) {
        List<Object> out = new ArrayList<>();
        for (Node child : ((SequenceNode) node).getValue()) {
            out.add(constructObject(child));
        }
        return out;
    }
}
