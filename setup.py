"""Build step: the rule set policy staff edit in ``rules/`` ships inside the package.

``rules/`` stays at the top of the repository; the build maps it to the package
``capcoe_rules.bundled_rules`` (data only), which ``Engine.bundled()`` reads. Everything
else about the package is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup

BUNDLED = "capcoe_rules.bundled_rules"

setup(
    packages=[*find_packages(include=["capcoe_rules", "capcoe_rules.*"]), BUNDLED],
    package_dir={BUNDLED: "rules"},
    package_data={
        "capcoe_rules": ["py.typed", "territory/*.csv"],
        BUNDLED: ["*.yaml", "**/*.yaml", "*.yml", "**/*.yml"],
    },
)
