"""Allow `python -m faqbot`."""

from faqbot.cli import main

raise SystemExit(main())
