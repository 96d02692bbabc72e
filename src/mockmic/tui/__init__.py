"""The practice room: the Textual app that asks a question, records the answer and reports.

Nothing here is imported by the command line until ``mockmic`` is run without a subcommand.
"""
