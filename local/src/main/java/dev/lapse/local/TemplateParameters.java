package dev.lapse.local;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A template's parameter values: each override or Default, checked as CloudFormation checks them. */
final class TemplateParameters {
    private TemplateParameters() {
    }

    /**
     * The value of each parameter of {@code specs} (the template's Parameters section): its override, or its Default.
     * {@code minimums}: the MinValue a Number parameter has here instead of the template's ({@link RuntimeOptions#withSweepEvery}).
     */
    static Map<String, String> values(Map<String, Object> specs, Map<String, String> overrides, Map<String, Double> minimums) {
        Map<String, String> values = new LinkedHashMap<>();
        specs.forEach((name, spec) -> {
            Map<String, Object> s = Template.map(spec);
            Object value = overrides.containsKey(name) ? overrides.get(name) : s.get("Default");
            if (value == null) {
                throw new TemplateException("Parameters." + name + ": no Default and no value given");
            }
            Object allowed = s.get("AllowedValues");
            if (allowed instanceof List<?> list && !list.stream().map(String::valueOf).toList().contains(String.valueOf(value))) {
                throw new TemplateException("Parameters." + name + ": value " + value + " is not one of " + list);
            }
            Object pattern = s.get("AllowedPattern");
            if (pattern != null && !String.valueOf(value).matches(String.valueOf(pattern))) {
                throw new TemplateException("Parameters." + name + ": value " + value + " does not match AllowedPattern " + pattern
                        + (s.get("ConstraintDescription") == null ? "" : " (" + s.get("ConstraintDescription") + ")"));
            }
            checkNumber(name, s, String.valueOf(value), minimums.get(name));
            values.put(name, String.valueOf(value));
        });
        for (String name : overrides.keySet()) {
            if (!specs.containsKey(name)) {
                throw new TemplateException("parameter override " + name + " is not a parameter of the template (" + specs.keySet() + ")");
            }
        }
        return values;
    }

    /** A Number parameter's value must be a number within its MinValue (or {@code minimum}, when not null) and MaxValue. */
    private static void checkNumber(String name, Map<String, Object> spec, String value, Double minimum) {
        if (!"Number".equals(spec.get("Type"))) {
            return;
        }
        double number;
        try {
            number = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TemplateException("Parameters." + name + ": value " + value + " is not a number");
        }
        Object given = minimum != null ? minimum : spec.get("MinValue");
        String min = given == null ? null : new BigDecimal(String.valueOf(given)).stripTrailingZeros().toPlainString();
        Object max = spec.get("MaxValue");
        if ((min != null && number < Double.parseDouble(min)) || (max != null && number > Double.parseDouble(String.valueOf(max)))) {
            String accepted = min != null && max != null ? "a number from " + min + " to " + max
                    : min != null ? "a number of at least " + min : "a number of at most " + max;
            throw new TemplateException("Parameters." + name + ": value " + value + " is out of range; accepted: " + accepted);
        }
    }
}
