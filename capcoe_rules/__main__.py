from capcoe_rules.cli import main

main()
