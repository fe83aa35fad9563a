"""The checker's stages, one module each; ``capcoe_rules.language.checker.STAGES`` runs them.

- :mod:`.reading`: ruleset.yaml and the rule files, read into their document models;
- :mod:`.parameters`: parameters, a typed value per period;
- :mod:`.tables`: reference tables, typed rows per period;
- :mod:`.case_rules`: per kind of case, lookups, derived values in order, typed rules;
- :mod:`.rule_ids`: every rule id used once;
- :mod:`.context`: what they share (sources, problems, reading one document);
- :mod:`.positions`: where a problem inside an expression sits in its file.
"""
