"""/gaps: the questions students asked that the pack did not answer outright, clustered, each
with buttons to add it as a phrasing of one of its likely entries (overlay.yaml) or ignore it.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import secrets
from dataclasses import replace

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import edit, message_of, reply, send, thread_of
from faqbot.bot.permissions import admin_only
from faqbot.bot.reloading import change_overlay
from faqbot.bot.rendering import Rendered, button, callback, excerpt, html_message
from faqbot.bot.state import BotState, Context, GapOffer
from faqbot.handlers.maintenance.reload import problem_lines
from faqbot.knowledge.bundle import Knowledge
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.gaps import GapCluster, find_gaps
from faqbot.knowledge.overlay import Overlay
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

GAP_BUTTON = "gap"
IGNORE = "x"
CLUSTERS_SHOWN = 5
ENTRIES_OFFERED = 3
# Offers remembered for their buttons; older buttons say to send /gaps again.
OFFERS_KEPT = 200
WORDING_SHOWN = 120
# Buttons name their offer by this process's random prefix and a count: a button sent before
# a restart can never pick a cluster offered after it (it says to send /gaps again).
_RUN = secrets.token_urlsafe(6)
_tokens = itertools.count(1)


def new_token() -> str:
    """A token for one offer, unique across restarts (at most 14 characters of callback data)."""
    return f"{_RUN}{next(_tokens)}"


def likely_entries(knowledge: Knowledge, cluster: GapCluster) -> tuple[str, ...]:
    """Up to three entries the cluster may belong to: the one its questions were most often
    closest to, then the matcher's ranking of its most asked wording."""
    ids = [cluster.entry_id] if cluster.entry_id else []
    match = knowledge.answerers.match(cluster.representative)
    ids += [suggestion.entry.id for suggestion in match.ranked] if match else []
    known = [entry_id for entry_id in dict.fromkeys(ids) if knowledge.pack.entry(entry_id)]
    return tuple(known[:ENTRIES_OFFERED])


def _offer(state: BotState, offer: GapOffer) -> str:
    token = new_token()
    state.gap_offers[token] = offer
    while len(state.gap_offers) > OFFERS_KEPT:
        state.gap_offers.pop(next(iter(state.gap_offers)))
    return token


def cluster_card(cluster: GapCluster, token: str, offer: GapOffer, language: str) -> Rendered:
    """One cluster as a message, with its buttons."""
    lines = [
        f"<b>“{html.escape(excerpt(cluster.representative, WORDING_SHOWN))}”</b> — "
        + html.escape(say(language, "gaps_cluster", count=cluster.count))
    ]
    if cluster.variants:
        shown = ", ".join(f"“{html.escape(excerpt(v, 60))}”" for v in cluster.variants[:3])
        lines.append(f"{html.escape(say(language, 'gaps_also'))}: {shown}")
    rows = [
        [button(say(language, "gaps_add", entry=entry_id), callback(GAP_BUTTON, f"{token}:{n}"))]
        for n, entry_id in enumerate(offer.entry_ids)
    ]
    rows.append([button(say(language, "gaps_ignore"), callback(GAP_BUTTON, f"{token}:{IGNORE}"))])
    return replace(html_message("\n".join(lines))[0], keyboard=InlineKeyboardMarkup(rows))


@admin_only
async def gaps_command(update: Update, context: Context) -> None:
    """Top clusters of unanswered questions, to add to the pack or ignore"""
    state = context.bot_data
    knowledge = state.knowledge
    language = await language_for(update, context)
    message = message_of(update)
    try:
        records = await state.stores.questions.gaps(knowledge.pack.info.language)
    except DATABASE_ERRORS as error:
        log.warning(
            "/gaps could not read the question log in %s: %s", state.stores.database.path, error
        )
        await reply(message, html_message(html.escape(say(language, "sorry"))))
        return
    # Clustering a long log takes a while: off the event loop, so questions are still answered.
    clusters = await asyncio.to_thread(find_gaps, records, knowledge.answerer.matcher)
    overlay = knowledge.overlay
    shown = [
        cluster
        for cluster in clusters
        if not overlay.settles(cluster.representative, cluster.variants)
    ][:CLUSTERS_SHOWN]
    if not shown:
        await reply(message, html_message(html.escape(say(language, "gaps_empty"))))
        return
    cards = html_message(f"<b>{html.escape(say(language, 'gaps_heading'))}</b>")
    for cluster in shown:
        offer = GapOffer(
            cluster.representative,
            (cluster.representative, *cluster.variants),
            likely_entries(knowledge, cluster),
        )
        cards.append(cluster_card(cluster, _offer(state, offer), offer, language))
    await send(context.bot, message.chat_id, cards, thread_id=thread_of(message))


async def on_gap_button(update: Update, context: Context) -> None:
    """Add a cluster's wording as a phrasing of the chosen entry, or ignore the cluster."""
    query = update.callback_query
    if query is None:
        return  # the handler's pattern lets only callback queries through
    state = context.bot_data
    language = await language_for(update, context)
    if query.from_user.id not in state.settings.admin_ids:
        log.warning("refused a /gaps button from user %s", query.from_user.id)
        await query.answer(say(language, "not_allowed"), show_alert=True)
        return
    _, _, rest = (query.data or "").partition(":")
    token, _, choice = rest.partition(":")
    offer = state.gap_offers.get(token)
    if offer is None or not (choice == IGNORE or choice.isdigit()):
        await query.answer(say(language, "gaps_expired"), show_alert=True)
        return
    if choice != IGNORE and int(choice) >= len(offer.entry_ids):
        await query.answer(say(language, "gaps_expired"), show_alert=True)
        return
    await query.answer()
    who = f"/gaps from user {query.from_user.id}"
    wording = excerpt(offer.wording, WORDING_SHOWN)
    if choice == IGNORE:

        def ignore(overlay: Overlay) -> Overlay:
            return overlay.with_ignored(offer.wording)

        result = await change_overlay(state, ignore, who)
        done = say(language, "gaps_ignored", wording=wording)
    else:
        entry_id = offer.entry_ids[int(choice)]

        def accept(overlay: Overlay) -> Overlay:
            return overlay.with_phrasing(entry_id, offer.wording)

        result = await change_overlay(state, accept, who)
        done = say(
            language,
            "gaps_added",
            wording=wording,
            entry=entry_id,
            version=result.knowledge.version,
        )
    if not result.ok:
        text = "\n".join(
            [
                f"“{html.escape(wording)}”",
                html.escape(say(language, "gaps_rejected")),
                *problem_lines(result.problems),
            ]
        )
        if query.message is not None:
            await send(context.bot, query.message.chat.id, html_message(text))
        return
    state.gap_offers.pop(token, None)
    await edit(query, html_message(html.escape(done))[0])


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/gaps (hidden from the menu) and its buttons."""
    return [
        CommandHandler("gaps", gaps_command, filters=filters.UpdateType.MESSAGE),
        CallbackQueryHandler(on_gap_button, pattern=f"^{GAP_BUTTON}:"),
    ]
