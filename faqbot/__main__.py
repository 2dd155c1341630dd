"""Allow `python -m faqbot`."""

from faqbot.bot.cli import main

raise SystemExit(main())
