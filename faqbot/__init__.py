"""faqbot: a Telegram FAQ bot that answers from a fuzzy-matched YAML knowledge pack."""

__version__ = "0.1.0"
