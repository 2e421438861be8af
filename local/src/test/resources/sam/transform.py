"""Transforms a SAM template the way CloudFormation does for `sam deploy`, and prints the result as JSON.

Usage: python3 transform.py TEMPLATE [PARAMETER_SETS_JSON]

PARAMETER_SETS_JSON is a JSON list of objects, each mapping parameter names to values (the
--parameter-overrides of sam deploy; the others take their Default); the template is transformed
once for each, and the output is the list of the results (default: one set, no overrides). CodeUri paths become the S3 locations `sam deploy` uploads them to. When the
template's Transform list starts with AWS::LanguageExtensions, that transform runs first, as
CloudFormation runs transforms in order; what is modelled of it is the one documented effect the
SAM transform depends on: every Ref to a template parameter becomes the parameter's value. Then the
SAM translator installed in this Python (samtranslator, which cfn-lint also uses) transforms it.

Exit codes: 0 done; 2 bad arguments or an invalid template (the message says why); 3 the SAM
translator or PyYAML is not installed.
"""

import copy
import json
import os
import sys

try:
    from samtranslator.parser import parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse
    from samtranslator.model.exceptions import InvalidDocumentException
except ImportError as e:  # pragma: no cover - reported to the Java test
    print(f"the SAM translator (with PyYAML) is not installed in {sys.executable} ({e}); install it with "
          "`pip install aws-sam-translator` (it comes with `pip install cfn-lint`)", file=sys.stderr)
    sys.exit(3)

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
SERVERLESS = "AWS::Serverless-2016-10-31"


def parameter_values(template, overrides):
    declared = template.get("Parameters", {})
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise ValueError(f"parameters {unknown} are not declared in the template ({sorted(declared)})")
    values = {}
    for name, spec in declared.items():
        value = overrides.get(name, spec.get("Default"))
        if value is None:
            raise ValueError(f"parameter {name} has no Default and no value was given")
        allowed = spec.get("AllowedValues")
        if allowed is not None and str(value) not in [str(a) for a in allowed]:
            raise ValueError(f"parameter {name}: {value!r} is not one of {allowed}")
        values[name] = str(value)  # CloudFormation hands every parameter value over as a string
    return values


def resolve_parameter_refs(node, values):
    if isinstance(node, dict):
        if len(node) == 1 and "Ref" in node and node["Ref"] in values:
            return values[node["Ref"]]
        return {k: resolve_parameter_refs(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve_parameter_refs(v, values) for v in node]
    return node


def transform(template, overrides):
    template = copy.deepcopy(template)
    values = parameter_values(template, overrides)
    transforms = template.get("Transform", [])
    transforms = [transforms] if isinstance(transforms, str) else list(transforms)
    if SERVERLESS not in transforms:
        raise ValueError(f"the template does not declare the {SERVERLESS} transform (Transform: {transforms})")
    if LANGUAGE_EXTENSIONS in transforms:
        if transforms.index(LANGUAGE_EXTENSIONS) > transforms.index(SERVERLESS):
            raise ValueError(f"{LANGUAGE_EXTENSIONS} must come before {SERVERLESS} in Transform")
        for section in template:
            if section != "Parameters":
                template[section] = resolve_parameter_refs(template[section], values)
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://lapse-deploy-artifacts/" + props["CodeUri"]
    translator = Translator(managed_policy_map={}, sam_parser=parser.Parser())
    return translator.translate(sam_template=template, parameter_values=dict(values))


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    parameter_sets = json.loads(argv[2]) if len(argv) == 3 else [{}]
    if not isinstance(parameter_sets, list) or not all(isinstance(p, dict) for p in parameter_sets):
        print("PARAMETER_SETS_JSON must be a JSON list of objects", file=sys.stderr)
        return 2
    try:
        result = [transform(template, overrides) for overrides in parameter_sets]
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    except InvalidDocumentException as e:
        print("; ".join(str(c) for c in e.causes), file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=1, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
