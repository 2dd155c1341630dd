"""Messages more than one feature sends, so that no feature imports another for its wording."""

EXPIRED = "This button has expired. Ask me again, or send /topics to browse."
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
NOT_ALLOWED = "This command is for the bot's operators."
