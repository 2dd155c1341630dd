"""Telegram handlers, one package per feature; each exposes `register(application, group)`.

Features never import each other: what two of them share lives in faqbot.bot.
"""
