"""What both roles share: the domain types, text folding, course identity, configuration, metrics and the
catalogue snapshot format. Imports nothing of the project above it."""
