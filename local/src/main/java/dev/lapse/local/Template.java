package dev.lapse.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * A SAM template read with its intrinsic functions (short and long forms), parameters and
 * conditions. Values are resolved against a {@link Resolver} that knows what the local runtime
 * created for each resource. An intrinsic it does not know is an error naming where it stands.
 */
public final class Template {
    private static final Set<String> PSEUDO = Set.of("AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::Partition",
            "AWS::NoValue", "AWS::URLSuffix");
    public static final Object NO_VALUE = new Object();

    /** Physical ids and attributes of created resources. */
    public interface Resolver {
        String ref(String logicalId);

        String getAtt(String logicalId, String attribute);
    }

    private final Map<String, Object> root;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, Boolean> conditions = new LinkedHashMap<>();
    private final String region;
    private final String account;
    private final String stackName;

    @SuppressWarnings("unchecked")
    private Template(Map<String, Object> root, Map<String, String> overrides, Map<String, Double> minimums, String region,
                     String account, String stackName) {
        this.root = root;
        this.region = region;
        this.account = account;
        this.stackName = stackName;
        parameters.putAll(TemplateParameters.values(map(root.get("Parameters")), overrides, minimums));
        Map<String, Object> conds = map(root.get("Conditions"));
        for (String name : conds.keySet()) {
            condition(name, conds);
        }
    }

    public static Template load(Path file, Map<String, String> overrides) {
        return load(file, overrides, Map.of());
    }

    /** With each named Number parameter's MinValue as given instead ({@link RuntimeOptions#withSweepEvery}). */
    public static Template load(Path file, Map<String, String> overrides, Map<String, Double> minimums) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parse(reader, overrides, minimums);
        } catch (IOException e) {
            throw new TemplateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static Template parse(Reader reader, Map<String, String> overrides) {
        return parse(reader, overrides, Map.of());
    }

    @SuppressWarnings("unchecked")
    static Template parse(Reader reader, Map<String, String> overrides, Map<String, Double> minimums) {
        Yaml yaml = new Yaml(new IntrinsicTags());
        Object loaded = yaml.load(reader);
        if (!(loaded instanceof Map)) {
            throw new TemplateException("template is not a YAML mapping");
        }
        return new Template((Map<String, Object>) loaded, overrides, minimums, "us-east-1", "000000000000", "lapse");
    }

    public String region() {
        return region;
    }

    public String account() {
        return account;
    }

    public String stackName() {
        return stackName;
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    public boolean condition(String name) {
        Boolean value = conditions.get(name);
        if (value == null) {
            throw new TemplateException("Condition " + name + " is not defined in Conditions");
        }
        return value;
    }

    /** Resources in template order, without those whose Condition is false. */
    public Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        map(root.get("Resources")).forEach((id, body) -> {
            Map<String, Object> resource = map(body);
            Object cond = resource.get("Condition");
            if (cond == null || condition(String.valueOf(cond))) {
                out.put(id, resource);
            }
        });
        return out;
    }

    /** The Globals.Function section (SAM), or empty. */
    public Map<String, Object> functionGlobals() {
        return map(map(root.get("Globals")).get("Function"));
    }

    private boolean condition(String name, Map<String, Object> all) {
        if (conditions.containsKey(name)) {
            return conditions.get(name);
        }
        if (!all.containsKey(name)) {
            throw new TemplateException("Condition " + name + " is not defined in Conditions");
        }
        Object value = resolve(all.get(name), null, "Conditions." + name);
        boolean result = Boolean.TRUE.equals(value);
        conditions.put(name, result);
        return result;
    }

    /** Resolves intrinsic functions in {@code value}; {@code where} names the place for error messages. */
    @SuppressWarnings("unchecked")
    public Object resolve(Object value, Resolver resolver, String where) {
        if (value instanceof Map<?, ?> m) {
            if (m.size() == 1) {
                String key = String.valueOf(m.keySet().iterator().next());
                Object arg = m.values().iterator().next();
                if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition") && !(arg instanceof Map)) {
                    return intrinsic(key, arg, resolver, where);
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = resolve(e.getValue(), resolver, where + "." + e.getKey());
                if (v != NO_VALUE) {
                    out.put(String.valueOf(e.getKey()), v);
                }
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object v = resolve(list.get(i), resolver, where + "[" + i + "]");
                if (v != NO_VALUE) {
                    out.add(v);
                }
            }
            return out;
        }
        return value;
    }

    private Object intrinsic(String fn, Object arg, Resolver resolver, String where) {
        switch (fn) {
            case "Ref": {
                String name = String.valueOf(arg);
                if (parameters.containsKey(name)) {
                    return parameters.get(name);
                }
                if (PSEUDO.contains(name)) {
                    return switch (name) {
                        case "AWS::Region" -> region;
                        case "AWS::AccountId" -> account;
                        case "AWS::StackName" -> stackName;
                        case "AWS::Partition" -> "aws";
                        case "AWS::URLSuffix" -> "amazonaws.com";
                        default -> NO_VALUE;
                    };
                }
                requireResolver(resolver, where, "Ref " + name);
                return resolver.ref(name);
            }
            case "Fn::GetAtt": {
                List<?> parts = arg instanceof List<?> l ? l : List.of(String.valueOf(arg).split("\\.", 2));
                requireResolver(resolver, where, "Fn::GetAtt " + parts);
                return resolver.getAtt(String.valueOf(parts.get(0)), String.valueOf(parts.get(1)));
            }
            case "Fn::If": {
                List<?> parts = (List<?>) arg;
                boolean c = condition(String.valueOf(parts.get(0)));
                return resolve(c ? parts.get(1) : parts.get(2), resolver, where);
            }
            case "Fn::Equals": {
                List<?> parts = (List<?>) arg;
                return String.valueOf(resolve(parts.get(0), resolver, where)).equals(String.valueOf(resolve(parts.get(1), resolver, where)));
            }
            case "Fn::Not":
                return !Boolean.TRUE.equals(resolve(((List<?>) arg).get(0), resolver, where));
            case "Fn::And":
                return ((List<?>) arg).stream().allMatch(a -> Boolean.TRUE.equals(resolve(a, resolver, where)));
            case "Fn::Or":
                return ((List<?>) arg).stream().anyMatch(a -> Boolean.TRUE.equals(resolve(a, resolver, where)));
            case "Condition":
                return condition(String.valueOf(arg));
            case "Fn::Join": {
                List<?> parts = (List<?>) arg;
                List<?> items = (List<?>) resolve(parts.get(1), resolver, where);
                return String.join(String.valueOf(parts.get(0)), items.stream().map(String::valueOf).toList());
            }
            case "Fn::Sub": {
                String text;
                Map<String, Object> vars = new LinkedHashMap<>();
                if (arg instanceof List<?> l) {
                    text = String.valueOf(l.get(0));
                    map(l.get(1)).forEach((k, v) -> vars.put(k, resolve(v, resolver, where)));
                } else {
                    text = String.valueOf(arg);
                }
                Matcher m = Pattern.compile("\\$\\{([^}!][^}]*)}").matcher(text);
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    String name = m.group(1);
                    Object v;
                    if (vars.containsKey(name)) {
                        v = vars.get(name);
                    } else if (name.contains(".") && !name.startsWith("AWS::")) {
                        String[] p = name.split("\\.", 2);
                        v = intrinsic("Fn::GetAtt", List.of(p[0], p[1]), resolver, where);
                    } else {
                        v = intrinsic("Ref", name, resolver, where);
                    }
                    m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(v)));
                }
                m.appendTail(out);
                return out.toString();
            }
            default:
                throw new TemplateException(where + ": intrinsic function " + fn + " is not supported by the local runtime"
                        + " (supported: Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Join)");
        }
    }

    private static void requireResolver(Resolver resolver, String where, String what) {
        if (resolver == null) {
            throw new TemplateException(where + ": " + what + " cannot be used here (only parameters are known)");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }
}
