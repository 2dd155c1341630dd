"""The bot's own sentences, one catalogue per language; a pack's words live in the pack.

A small catalogue module rather than gettext: two languages, sentences keyed by name (so a
missing Hindi sentence is a failing test, not an English fallback nobody sees), no .po/.mo
build step for package data, and keys a type checker can see.

Adding a sentence: add its key to `Key` and its text to ENGLISH and HINDI, in the section of
the feature that says it. `{name}` fields are filled by `say`; values that came from users are
escaped by the caller, and the sentences hold no HTML of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal, cast

Key = Literal[
    # answers
    "related",
    "unsure",
    "did_you_mean",
    "dont_know",
    "try_these",
    "or_did_you_mean",
    "source",
    "ask_usage",
    "exam_answer",
    "exam_several",
    "exam_none",
    "welcome",
    "welcome_nameless",
    "help_private",
    "help_group",
    "help_group_admin",
    "pick_topic",
    "back",
    "ask_the_bot_more",
    "fill_in_the_blank",
    # everywhere
    "expired",
    "sorry",
    "not_allowed",
    "flood",
    "background",
    "as_of_note",
    "as_of_plain",
    "after_as_of",
    "as_of_then",
    "notes_cover",
    "unknown_command",
    # 👍/👎 under answers, /privacy and /forget
    "feedback_thanks",
    "feedback_ask",
    "feedback_ask_named",
    "feedback_kept",
    "feedback_kept_cut",
    "feedback_words_only",
    "feedback_already",
    "feedback_not_yours",
    "feedback_gone",
    "feedback_stale",
    "feedback_failed",
    "privacy",
    "forget_done",
    "forget_nothing",
    # /stats (operators)
    "stats_window",
    "stats_summary",
    "stats_per_day",
    "stats_rate",
    "stats_downvoted",
    "stats_chart_failed",
    "stats_today",
    "stats_gaps",
    "stats_empty",
    "stats_skipped",
    # /reload and /gaps (operators)
    "reload_done",
    "reload_refused",
    "gaps_empty",
    "gaps_heading",
    "gaps_cluster",
    "gaps_also",
    "gaps_add",
    "gaps_ignore",
    "gaps_added",
    "gaps_rejected",
    "gaps_ignored",
    "gaps_expired",
    # daily facts
    "daily_admins_only",
    "daily_time_usage",
    "daily_timezone_usage",
    "daily_none",
    "daily_paused",
    "daily_active",
    "daily_stopped",
    "daily_had_none",
    "daily_start_again",
    "daily_bad_time",
    "daily_timezone_is",
    "daily_timezone_unknown",
    "daily_timezone_set",
    # the daily quiz
    "daily_quiz_none",
    "daily_quiz_active",
    "daily_quiz_paused",
    "daily_quiz_stopped",
    "daily_quiz_had_none",
    "daily_quiz_bad_time",
    "daily_quiz_admins_only",
    "daily_quiz_no_items",
    "daily_quiz_status_title",
    "daily_quiz_status",
    "broadcast_title",
    "broadcast_subscribers",
    "broadcast_sent",
    "broadcast_unconfirmed",
    "broadcast_under_way",
    "broadcast_failures",
    "broadcast_undelivered",
    # quiz
    "quiz_usage",
    "quiz_no_items",
    "quiz_no_round",
    "quiz_stop_refused",
    "quiz_review_in_group",
    "quiz_review_button",
    "quiz_read_answer_button",
    "quiz_top_usage",
    "quiz_busy",
    "quiz_bad_count",
    "quiz_unknown_topic",
    "quiz_topics_list",
    "quiz_closest_topic",
    "quiz_ambiguous_topic",
    "quiz_fewer_on_topic",
    "quiz_fewer_on_topic_one",
    "quiz_no_items_on_topic",
    "quiz_topics_title",
    "quiz_topics_hint",
    "quiz_revealed",
    "quiz_review_stopped",
    "quiz_review_done",
    "quiz_review_summary",
    "quiz_round_stopped",
    "quiz_round_over",
    "quiz_round_after",
    "quiz_winner",
    "quiz_winners",
    "quiz_names_and_more",
    "quiz_player_left",
    "quiz_more",
    "quiz_fastest",
    "quiz_nobody",
    "quiz_see_week",
    "quiz_score",
    "quiz_score_timing",
    "quiz_title_week",
    "quiz_title_month",
    "quiz_title_all",
    "quiz_board_empty",
    "quiz_board_empty_week",
    "quiz_board_empty_month",
    "quiz_not_played",
    "quiz_not_played_week",
    "quiz_not_played_month",
    "quiz_board_you",
    "quiz_week_starts",
    "quiz_week_title",
    "quiz_week_winner",
    "quiz_week_winners",
    "quiz_more_players",
    "quiz_new_week",
    "quiz_record_none",
    "quiz_record_title",
    "quiz_record",
    "quiz_one_chat",
    "quiz_chats",
    "quiz_settings_title",
    "quiz_settings_seconds",
    "quiz_settings_questions",
    "quiz_settings_explanation_shown",
    "quiz_settings_explanation_hidden",
    "quiz_settings_usage",
    "quiz_settings_admins_only",
    "quiz_settings_changed_since",
    "quiz_settings_saved",
    "quiz_button_seconds",
    "quiz_button_questions",
    "quiz_button_explanation_on",
    "quiz_button_explanation_off",
    "quiz_bad_setting",
    "quiz_nothing_yet",
    "quiz_nothing_now",
    "quiz_in_a_minute",
    "quiz_in_minutes",
    "quiz_in_hours",
    "quiz_in_days",
    # /language
    "language_name_en",
    "language_name_hi",
    "language_name_auto",
    "language_is",
    "language_group_is",
    "language_usage",
    "language_set",
    "language_set_auto",
    "language_group_set",
    "language_group_set_auto",
    "language_unknown",
    "language_not_in_pack",
    "language_admins_only",
    # the command menu: one description per command, `menu_<command>`
    "menu_start",
    "menu_help",
    "menu_ask",
    "menu_fact",
    "menu_topics",
    "menu_daily",
    "menu_timezone",
    "menu_quiz",
    "menu_top",
    "menu_review",
    "menu_quizsettings",
    "menu_language",
    "menu_privacy",
    "menu_forget",
]

ENGLISH: dict[Key, str] = {
    # answers
    "related": "Related questions",
    "unsure": "I'm not sure which question you're asking.",
    "did_you_mean": "Did you mean…?",
    "dont_know": (
        "Sorry, I don't know that one. I answer questions about {title}, and I would rather "
        "say so than guess. Here are some things I can answer:"
    ),
    "try_these": "Try one of these",
    "or_did_you_mean": "Or did you mean:",
    "source": "Source",
    "ask_usage": "Send your question after the command, for example: /ask what is JIMEX?",
    "exam_answer": "Answer: ({label}) {text}",
    "exam_several": "More than one option fits what I know ({labels}); here is the answer:",
    "exam_none": "None of the options matches what I know; here is the answer:",
    "welcome": (
        "Hi {name}! I answer questions about {title}. Ask in your own words: typos, acronyms "
        "and Hinglish are fine.\n\n"
        "Send /topics to browse, /fact for a quick fact, or /help for everything I do. "
        "/language hi switches me to Hindi."
    ),
    "welcome_nameless": "there",
    "help_private": (
        "Ask me a question in your own words. If I'm not sure, I offer a few questions to "
        'pick from; if I don\'t know, I say so. After an answer, ask "why?" or "tell me '
        'more"; paste an MCQ with its options and I name the one that fits.\n\n'
        "In a group, mention me (@{bot} your question), reply to one of my messages, "
        "or use /ask. In any chat, type @{bot} and a question to share an answer.\n\n"
        "I answer in English or Hindi: /language en, /language hi, or /language auto to "
        "answer in the script you write in.\n\n{commands}"
    ),
    "help_group": (
        "In this group, ask me with /ask your question, by mentioning me (@{bot} your "
        "question), or by replying to one of my messages. /quiz starts a quiz, /top shows this "
        "week's standings, and /review sends you to a private chat to go over what you got "
        "wrong.\n\n{commands}"
    ),
    "help_group_admin": "For this group's admins:\n{commands}",
    "pick_topic": "Pick a topic:",
    "back": "« Back",
    "ask_the_bot_more": "Ask the bot more",
    "fill_in_the_blank": "Fill in the blank: ",
    # everywhere
    "expired": "This button has expired. Ask me again, or send /topics to browse.",
    "sorry": "Sorry, something went wrong on my side. Please try again in a moment.",
    "not_allowed": "This command is for the bot's operators.",
    "flood": (
        "You're asking faster than I can keep up with. Take a short break: I'll answer again "
        "in a minute."
    ),
    "background": "background",
    "as_of_note": "As of {date}, {latest}. My notes cover nothing after that.",
    "as_of_plain": "My notes cover up to {date}; this may have changed since.",
    "after_as_of": "My notes cover up to {date}; I have nothing on that.",
    "as_of_then": "As of then, {latest}.",
    "notes_cover": "What my notes do cover",
    "unknown_command": "I don't know that command. Send /help to see what I can do.",
    # 👍/👎 under answers, /privacy and /forget
    "feedback_thanks": "Thanks for the 👍!",
    "feedback_ask": "What were you looking for? Reply in a few words: the people who keep my "
    "notes read every reply.",
    "feedback_ask_named": "{name}, what were you looking for? Reply to this message in a few "
    "words: the people who keep my notes read every reply.",
    "feedback_kept": "Thank you, noted. It will help improve my notes.",
    "feedback_kept_cut": "Thank you, noted (I kept the first {limit} characters).",
    "feedback_words_only": "I can only keep words: please type what you were looking for.",
    "feedback_already": "You have already rated this answer.",
    "feedback_not_yours": "Only the person who asked can rate this answer.",
    "feedback_gone": "I no longer keep the record of that answer: it was deleted, by /forget or "
    "after the days I keep questions.",
    "feedback_stale": "My notes have changed since this answer. Ask again to see the current "
    "one, and rate that.",
    "feedback_failed": "Sorry, I could not save that just now. Please try again later.",
    "privacy": (
        "What I keep, and for how long:\n\n"
        "• Each question you ask: its text, what I replied (an answer, suggestions, none), the "
        "suggestion you pressed, your 👍/👎 and what you said you were looking for, and the "
        "language. Not your name or Telegram id: only a keyed hash of it, so /forget can find "
        "your questions. Questions are deleted after {days} days.\n"
        "• Your /language choice, and the language your Telegram app is set to (noted when you "
        "write to me, so that what I send you unasked is in it), your daily fact or quiz in our "
        "private chat, and your quiz results and review boxes there, until you change or stop "
        "them.\n"
        "• In groups: your quiz scores, as part of that group's standings.\n\n"
        "/forget deletes your questions, your /language choice and app language, and everything "
        "of our private chat (daily subscriptions, quiz results, review boxes). Your app "
        "language is noted again the next time you write to me. Group scores stay with the "
        "group; ask its admins, or leave it."
    ),
    "forget_done": (
        "Done. I deleted {questions} of your logged questions, {settings} setting(s) and daily "
        "subscription(s), and {quiz} quiz record(s) of our private chat. Quiz scores in groups "
        "stay part of those groups' standings."
    ),
    "forget_nothing": "There was nothing of yours to delete: no questions, settings or quiz "
    "records.",
    # /stats
    "stats_window": "Last {days} days (UTC)",
    "stats_summary": "{questions} questions, {rate} answered outright; {smalltalk} small talk",
    "stats_per_day": "Questions per day",
    "stats_rate": "Answered outright",
    "stats_downvoted": "Answers turned down most (👎)",
    "stats_chart_failed": "(The chart could not be drawn; the figures are above.)",
    "stats_today": "Questions today (UTC)",
    "stats_gaps": "Most asked without an outright answer (last {days} days)",
    "stats_empty": "No questions logged yet.",
    "stats_skipped": "Unreadable updates skipped since start",
    # /reload and /gaps
    "reload_done": (
        "Reloaded the pack: version {version}, {entries} entries, {phrasings} phrasings "
        "from the overlay, in {seconds} s."
    ),
    "reload_refused": (
        "The pack was not reloaded: I still answer from version {version}. "
        "Fix these, then send /reload again:"
    ),
    "gaps_empty": "No gaps to review: nothing unanswered in the log that is not handled already.",
    "gaps_heading": "Questions the pack did not answer outright, most asked first",
    "gaps_cluster": "asked {count} times",
    "gaps_also": "also asked as",
    "gaps_add": "Add as phrasing of {entry}",
    "gaps_ignore": "Ignore",
    "gaps_added": (
        "Added “{wording}” as a phrasing of {entry}; it is answered from now on "
        "(version {version}). Copy it into the pack: faqbot gaps --accepted lists it."
    ),
    "gaps_rejected": "Not added; the pack stays as it was:",
    "gaps_ignored": "Ignored: /gaps will not offer “{wording}” again.",
    "gaps_expired": "These buttons are from before a restart or an older /gaps; send /gaps again.",
    # daily facts
    "daily_admins_only": "Only this group's administrators can change its daily fact.",
    "daily_time_usage": (
        "Send the time of day for the daily fact, for example /daily 07:30 "
        "(7pm and 19:00 work too). /daily off stops it."
    ),
    "daily_timezone_usage": (
        "Send a timezone name or a UTC offset, for example /timezone Asia/Tokyo or "
        "/timezone +05:30."
    ),
    "daily_none": (
        "This chat gets no daily fact. Send /daily 07:30 for one every day at 07:30 "
        "({zone}); /timezone changes the timezone."
    ),
    "daily_paused": (
        "The daily fact at {at} ({zone}) is paused: Telegram would not deliver it here. "
        "Send /daily {at} to start it again."
    ),
    "daily_active": (
        "This chat gets a daily fact at {at} ({zone}). /daily HH:MM changes the time, "
        "/daily off stops it, /timezone sets the timezone."
    ),
    "daily_stopped": "Daily facts stopped.",
    "daily_had_none": "This chat had no daily fact.",
    "daily_start_again": "Send /daily 07:30 to start again.",
    "daily_bad_time": "I can't read {argument} as a time of day.",
    "daily_timezone_is": "This chat's timezone is {zone}.",
    "daily_timezone_unknown": "I don't know the timezone {argument}.",
    "daily_timezone_set": "Timezone set to {zone}.",
    "daily_quiz_none": (
        "This chat gets no daily quiz. Send /daily quiz 20:00 for a round every day at 20:00 "
        "({zone})."
    ),
    "daily_quiz_active": (
        "This chat gets a daily quiz at {at} ({zone}), with its quiz settings: questions per "
        "round: {questions}, seconds per question: {seconds} (/quizsettings changes them). "
        "/daily quiz HH:MM changes the time, /daily quiz off stops it."
    ),
    "daily_quiz_paused": (
        "The daily quiz at {at} ({zone}) is paused: Telegram would not deliver it here. "
        "Send /daily quiz {at} to start it again."
    ),
    "daily_quiz_stopped": "Daily quiz stopped. Send /daily quiz 20:00 to start again.",
    "daily_quiz_had_none": "This chat had no daily quiz. Send /daily quiz 20:00 to start one.",
    "daily_quiz_bad_time": (
        "I can't read {argument} as a time of day. Send the time for the daily quiz, for "
        "example /daily quiz 20:00 (8pm works too). /daily quiz off stops it."
    ),
    "daily_quiz_admins_only": "Only this group's administrators can change its daily quiz.",
    "daily_quiz_no_items": "This knowledge pack has no quiz questions, so it has no daily quiz.",
    "daily_quiz_status_title": "Daily quizzes",
    "daily_quiz_status": (
        "Subscribers: {subscribers} (active: {active})\n"
        "Rounds started today (UTC): {started} ({unconfirmed} unconfirmed)\n"
        "Under way: {pending}\n"
        "Failures today (UTC): {failed} undelivered when retries ran out, {stopped} chats "
        "that blocked or removed the bot"
    ),
    "broadcast_title": "Daily facts",
    "broadcast_subscribers": "Subscribers: {subscribers} (active: {active})",
    "broadcast_sent": "Facts sent today (UTC): {sent}",
    "broadcast_unconfirmed": "{count} unconfirmed: a send went unanswered and was not repeated",
    "broadcast_under_way": (
        "Under way: {pending} being sent or waiting for a retry; {unrecorded} delivered but "
        "not yet written to the database"
    ),
    "broadcast_failures": (
        "Failures today (UTC): {failed} undelivered when retries ran out, {stopped} chats "
        "that blocked or removed the bot"
    ),
    "broadcast_undelivered": "Undelivered in the last {days} days: {count}",
    # quiz
    "quiz_usage": (
        "Send /quiz for a round, /quiz 5 for five questions, /quiz exercises 5 for five on one "
        "topic (1 to {most} questions), /quiz topics for the topics, or /quiz stop to end the "
        "round."
    ),
    "quiz_no_items": "This knowledge pack has no quiz questions.",
    "quiz_no_round": "No quiz round is running here.",
    "quiz_stop_refused": "Only whoever started this round, or a chat admin, can stop it.",
    "quiz_review_in_group": (
        "Your review is personal, so it runs in a private chat with me: tap the button, then Start."
    ),
    "quiz_review_button": "📝 Review my mistakes",
    "quiz_read_answer_button": "📖 Read the answer",
    "quiz_top_usage": (
        "Send /top for this week, /top month for this month, or /top all for all time."
    ),
    "quiz_busy": (
        "A round is already running here ({asked} of {total} asked). Send /quiz stop to end it."
    ),
    "quiz_bad_count": "A round has 1 to {most} questions, so {typed} will not do. Try /quiz 5.",
    "quiz_unknown_topic": "I have no quiz topic {typed}.",
    "quiz_topics_list": "Send /quiz topics for the list.",
    "quiz_closest_topic": "Did you mean {title}? Send /quiz {id}, or /quiz topics for the list.",
    "quiz_ambiguous_topic": "{typed} fits several topics. Send one of: {choices}.",
    "quiz_fewer_on_topic": "{title} has {count} questions, so the round has {count}.",
    "quiz_fewer_on_topic_one": "{title} has {count} question, so the round has {count}.",
    "quiz_no_items_on_topic": (
        "{title} has no quiz questions yet. Send /quiz topics for the list."
    ),
    "quiz_topics_title": "Quiz topics",
    "quiz_topics_hint": "Add a number for a round, for example /quiz exercises 3.",
    "quiz_revealed": "✅ Answer: {correct}",
    "quiz_review_stopped": "Review stopped",
    "quiz_review_done": "Review done",
    "quiz_review_summary": (
        "{right} of {asked} right. What you missed comes back at your next /review; what you "
        "got right comes back later."
    ),
    "quiz_round_stopped": "Round stopped",
    "quiz_round_over": "Round over",
    "quiz_round_after": "after {asked} of {total} questions.",
    "quiz_winner": "🏆 Winner: {names} ({best} right)",
    "quiz_winners": "🏆 Winners: {names} ({best} right)",
    "quiz_names_and_more": "{names} and {count} more",
    "quiz_player_left": "{name} (left)",
    "quiz_more": "…and {count} more.",
    "quiz_fastest": "⚡ Fastest right answer: {name}, {seconds} s",
    "quiz_nobody": "Nobody answered.",
    "quiz_see_week": "Send /top for this week's standings.",
    "quiz_score": "{correct} of {answered} right",
    "quiz_score_timing": ", {seconds} s on average",
    "quiz_title_week": "This week's quiz standings",
    "quiz_title_month": "This month's quiz standings",
    "quiz_title_all": "All-time quiz standings",
    "quiz_board_empty": "No quiz answers in this chat yet. Send /quiz to start.",
    "quiz_board_empty_week": "No quiz answers here this week yet. Send /quiz to start.",
    "quiz_board_empty_month": "No quiz answers here this month yet. Send /quiz to start.",
    "quiz_not_played": "You have not answered a quiz here yet.",
    "quiz_not_played_week": "You have not answered a quiz here this week.",
    "quiz_not_played_month": "You have not answered a quiz here this month.",
    "quiz_board_you": "You: #{rank} of {players} players",
    "quiz_week_starts": "The week starts on Monday at 00:00. /top month, /top all",
    "quiz_week_title": "Week of {week}: final quiz standings",
    "quiz_week_winner": "🏆 Winner of the week: {names}",
    "quiz_week_winners": "🏆 Winners of the week: {names}",
    "quiz_more_players": "…and {count} more players.",
    "quiz_new_week": "A new week has begun: /quiz to play, /top for its standings.",
    "quiz_record_none": "You have not answered any quiz yet. Send /quiz to play.",
    "quiz_record_title": "Your quiz record",
    "quiz_record": "{score} over {where}.\nSend /review to go over what you got wrong.",
    "quiz_one_chat": "1 chat",
    "quiz_chats": "{count} chats",
    "quiz_settings_title": "Quiz settings",
    "quiz_settings_seconds": "Seconds per question: {value}",
    "quiz_settings_questions": "Questions per round: {value}",
    "quiz_settings_explanation_shown": "Explanation after answering: shown",
    "quiz_settings_explanation_hidden": "Explanation after answering: hidden",
    "quiz_settings_usage": (
        "Change a setting with the buttons, or send /quizsettings seconds 45, "
        "/quizsettings questions 5, or /quizsettings explanation off."
    ),
    "quiz_settings_admins_only": "Only this group's admins can change its quiz settings.",
    "quiz_settings_changed_since": "These settings changed meanwhile; here they are now.",
    "quiz_settings_saved": "Saved.",
    "quiz_button_seconds": "{value}s",
    "quiz_button_questions": "{value} q",
    "quiz_button_explanation_on": "Explanation on",
    "quiz_button_explanation_off": "Explanation off",
    "quiz_bad_setting": (
        "I can't use {typed}: seconds go from {low} to {high}, questions from 1 to {most}, "
        "explanation is on or off."
    ),
    "quiz_nothing_yet": (
        "Nothing to review yet. Answer some /quiz questions: the ones you miss come back here."
    ),
    "quiz_nothing_now": "Nothing to review right now. Your next review is due {when}.",
    "quiz_in_a_minute": "in about a minute",
    "quiz_in_minutes": "in about {count} minutes",
    "quiz_in_hours": "in about {count} hours",
    "quiz_in_days": "in about {count} days",
    # /language
    "language_name_en": "English",
    "language_name_hi": "Hindi",
    "language_name_auto": "automatic",
    "language_is": "I answer you in {language}.",
    "language_group_is": "What I post in this group on my own is in {language}.",
    "language_usage": (
        "Send /language en for English, /language hi for Hindi (हिन्दी), or /language auto: "
        "a question in Devanagari gets Hindi, any other English, and the rest follows your "
        "Telegram app's language."
    ),
    "language_set": "Done: I answer you in {language} from now on.",
    "language_set_auto": (
        "Done: I answer a question in the script it is written in, and the rest follows your "
        "Telegram app's language."
    ),
    "language_group_set": "Done: what I post in this group on my own is in {language}.",
    "language_group_set_auto": (
        "Done: what I post in this group on my own is in the knowledge pack's main language."
    ),
    "language_unknown": "I don't speak {argument}.",
    "language_not_in_pack": "This knowledge pack is only in {languages}.",
    "language_admins_only": (
        "Only this group's administrators can choose its language. Your own: send "
        "/language to me in a private chat."
    ),
    # the command menu
    "menu_start": "Welcome and example questions",
    "menu_help": "How to use the bot",
    "menu_ask": "Ask a question: /ask what is JIMEX",
    "menu_fact": "A random fact from the knowledge base",
    "menu_topics": "Browse the questions I can answer, by topic",
    "menu_daily": "A fact or a quiz a day: /daily 07:30, /daily quiz 20:00, /daily off, /daily",
    "menu_timezone": "Set this chat's timezone for daily facts: /timezone Asia/Tokyo or +05:30",
    "menu_quiz": "Quiz polls: /quiz, /quiz 5, /quiz exercises 5, /quiz topics, /quiz stop",
    "menu_top": "Quiz standings: /top (this week), /top month, /top all",
    "menu_quizsettings": "Quiz settings: seconds per question, round size, explanations",
    "menu_review": "Review the quiz questions you got wrong",
    "menu_language": "Answer in English or Hindi: /language en, hi or auto",
    "menu_privacy": "What I keep about you, and for how long",
    "menu_forget": "Delete what I keep about you",
}

HINDI: dict[Key, str] = {
    # answers
    "related": "संबंधित प्रश्न",
    "unsure": "मैं पक्का नहीं हूँ कि आप कौन-सा प्रश्न पूछ रहे हैं।",
    "did_you_mean": "क्या आपका मतलब यह था…?",
    "dont_know": (
        "क्षमा करें, इसका उत्तर मुझे नहीं पता। मैं {title} से जुड़े प्रश्नों के उत्तर देता हूँ, "
        "और अनुमान लगाने के बजाय साफ़ बता देता हूँ। ये कुछ प्रश्न हैं जिनके उत्तर मैं दे सकता हूँ:"
    ),
    "try_these": "इनमें से कोई पूछिए",
    "or_did_you_mean": "या आपका मतलब यह था:",
    "source": "स्रोत",
    "ask_usage": "कमांड के बाद अपना प्रश्न भेजिए, जैसे: /ask जिमेक्स क्या है?",
    "exam_answer": "उत्तर: ({label}) {text}",
    "exam_several": "मेरी जानकारी से एक से अधिक विकल्प मेल खाते हैं ({labels}); उत्तर यह है:",
    "exam_none": "मेरी जानकारी से कोई भी विकल्प मेल नहीं खाता; उत्तर यह है:",
    "welcome": (
        "नमस्ते {name}! मैं {title} से जुड़े प्रश्नों के उत्तर देता हूँ। अपने शब्दों में पूछिए: "
        "वर्तनी की भूल, संक्षिप्त रूप (acronyms) और हिंग्लिश, सब चलेगा।\n\n"
        "विषय देखने के लिए /topics, एक झटपट तथ्य के लिए /fact, या मेरी सारी सुविधाएँ जानने के "
        "लिए /help भेजिए। /language en भेजने पर मैं अंग्रेज़ी में उत्तर दूँगा।"
    ),
    "welcome_nameless": "दोस्त",
    "help_private": (
        "अपने शब्दों में प्रश्न पूछिए। अगर मैं पक्का नहीं हूँ, तो चुनने के लिए कुछ प्रश्न दिखाता "
        'हूँ; अगर मुझे नहीं पता, तो साफ़ बता देता हूँ। उत्तर के बाद "क्यों?" या "और बताइए" '
        "पूछिए; विकल्पों सहित कोई MCQ भेजिए, तो मैं बताता हूँ कि कौन-सा विकल्प सही बैठता है।\n\n"
        "किसी ग्रुप में मुझे मेंशन कीजिए (@{bot} आपका प्रश्न), मेरे किसी संदेश का जवाब दीजिए, "
        "या /ask का प्रयोग कीजिए। किसी भी चैट में @{bot} और प्रश्न लिखकर उत्तर साझा कीजिए।\n\n"
        "मैं अंग्रेज़ी या हिंदी में उत्तर देता हूँ: /language en, /language hi, या "
        "/language auto, जिससे उत्तर उसी लिपि में आए जिसमें आप लिखते हैं।\n\n{commands}"
    ),
    "help_group": (
        "इस ग्रुप में मुझसे /ask और अपना प्रश्न लिखकर, मुझे मेंशन करके (@{bot} आपका प्रश्न), या "
        "मेरे किसी संदेश का जवाब देकर पूछिए। /quiz से क्विज़ शुरू होता है, /top इस सप्ताह की "
        "रैंकिंग दिखाता है, और /review आपको निजी चैट में ले जाता है, जहाँ आप अपनी गलतियाँ "
        "दोहरा सकते हैं।\n\n{commands}"
    ),
    "help_group_admin": "इस ग्रुप के एडमिन के लिए:\n{commands}",
    "pick_topic": "कोई विषय चुनिए:",
    "back": "« वापस",
    "ask_the_bot_more": "बॉट से और पूछिए",
    "fill_in_the_blank": "रिक्त स्थान भरिए: ",
    # everywhere
    "expired": "इस बटन की अवधि समाप्त हो गई है। फिर से पूछिए, या विषय देखने के लिए /topics भेजिए।",
    "sorry": "क्षमा करें, मेरी ओर से कुछ गड़बड़ हो गई। कृपया थोड़ी देर में फिर कोशिश कीजिए।",
    "not_allowed": "यह कमांड केवल बॉट के संचालकों के लिए है।",
    "flood": (
        "आप इतनी तेज़ी से पूछ रहे हैं कि मैं साथ नहीं दे पा रहा। थोड़ा रुकिए: एक मिनट में मैं फिर से उत्तर दूँगा।"
    ),
    "background": "पृष्ठभूमि",
    "as_of_note": "{date} तक की जानकारी के अनुसार, {latest}। इसके बाद का कुछ भी मेरे नोट्स में नहीं है।",
    "as_of_plain": "मेरे नोट्स {date} तक के हैं; तब से स्थिति बदल चुकी हो सकती है।",
    "after_as_of": "मेरे नोट्स {date} तक के हैं; इस बारे में मेरे पास कोई जानकारी नहीं है।",
    "as_of_then": "उस समय तक, {latest}।",
    "notes_cover": "मेरे नोट्स में यह है",
    "unknown_command": "यह कमांड मुझे नहीं पता। मैं क्या-क्या कर सकता हूँ, यह देखने के लिए /help भेजिए।",
    # /stats
    # 👍/👎, /privacy, /forget
    "feedback_thanks": "👍 के लिए धन्यवाद!",
    "feedback_ask": "आप क्या ढूँढ रहे थे? कुछ शब्दों में उत्तर दीजिए: मेरे नोट्स सँभालने वाले हर उत्तर पढ़ते हैं।",
    "feedback_ask_named": "{name}, आप क्या ढूँढ रहे थे? इस संदेश का कुछ शब्दों में उत्तर दीजिए: "
    "मेरे नोट्स सँभालने वाले हर उत्तर पढ़ते हैं।",
    "feedback_kept": "धन्यवाद, दर्ज कर लिया। इससे मेरे नोट्स बेहतर होंगे।",
    "feedback_kept_cut": "धन्यवाद, दर्ज कर लिया (पहले {limit} अक्षर रखे गए)।",
    "feedback_words_only": "मैं केवल शब्द रख सकता हूँ: कृपया लिखकर बताइए कि आप क्या ढूँढ रहे थे।",
    "feedback_already": "आप इस उत्तर को पहले ही रेट कर चुके हैं।",
    "feedback_not_yours": "इस उत्तर को केवल वही रेट कर सकता है जिसने प्रश्न पूछा था।",
    "feedback_gone": "अब मेरे पास उस उत्तर का रिकॉर्ड नहीं है: वह मिटा दिया गया, /forget से या प्रश्न "
    "रखने की अवधि पूरी होने पर।",
    "feedback_stale": "इस उत्तर के बाद मेरे नोट्स बदल गए हैं। मौजूदा उत्तर देखने के लिए फिर से पूछिए, "
    "और उसे रेट कीजिए।",
    "feedback_failed": "क्षमा करें, अभी यह सहेजा नहीं जा सका। कृपया बाद में फिर कोशिश कीजिए।",
    "privacy": (
        "मैं क्या रखता हूँ, और कब तक:\n\n"
        "• आपका हर प्रश्न: उसका पाठ, मैंने क्या उत्तर दिया (उत्तर, सुझाव, या कुछ नहीं), आपने कौन-सा "
        "सुझाव दबाया, आपका 👍/👎 और आपने क्या ढूँढा था, और भाषा। आपका नाम या टेलीग्राम आईडी नहीं: "
        "केवल उसका एक कुंजी-आधारित हैश, ताकि /forget आपके प्रश्न ढूँढ सके। प्रश्न {days} दिन बाद "
        "मिटा दिए जाते हैं।\n"
        "• आपकी /language पसंद, और आपके टेलीग्राम ऐप की भाषा (जब आप मुझे लिखते हैं तब दर्ज होती है, "
        "ताकि जो मैं बिना पूछे भेजूँ वह उसी भाषा में हो), हमारी निजी चैट का दैनिक तथ्य या क्विज़, और "
        "वहाँ के आपके क्विज़ परिणाम और दोहराने वाले प्रश्न, जब तक आप उन्हें बदलें या बंद न करें।\n"
        "• ग्रुप में: आपके क्विज़ स्कोर, उस ग्रुप की रैंकिंग के हिस्से के रूप में।\n\n"
        "/forget आपके प्रश्न, आपकी /language पसंद और ऐप की भाषा, और हमारी निजी चैट का सब कुछ (दैनिक "
        "सदस्यता, क्विज़ परिणाम, दोहराने वाले प्रश्न) मिटा देता है। आपके अगली बार लिखने पर ऐप की भाषा "
        "फिर दर्ज होती है। ग्रुप के स्कोर ग्रुप के पास रहते हैं; उसके एडमिन से कहिए, या ग्रुप छोड़ दीजिए।"
    ),
    "forget_done": (
        "हो गया। मैंने आपके {questions} दर्ज प्रश्न, {settings} सेटिंग/दैनिक सदस्यता, और हमारी निजी "
        "चैट के {quiz} क्विज़ रिकॉर्ड मिटा दिए। ग्रुप के क्विज़ स्कोर उन ग्रुपों की रैंकिंग में बने रहते हैं।"
    ),
    "forget_nothing": "मिटाने को आपका कुछ नहीं था: न प्रश्न, न सेटिंग, न क्विज़ रिकॉर्ड।",
    # /stats
    "stats_window": "पिछले {days} दिन (UTC)",
    "stats_summary": "{questions} प्रश्न, {rate} का सीधा उत्तर; {smalltalk} सामान्य बातचीत",
    "stats_per_day": "प्रतिदिन प्रश्न",
    "stats_rate": "सीधा उत्तर मिला",
    "stats_downvoted": "सबसे अधिक 👎 पाने वाले उत्तर",
    "stats_chart_failed": "(चार्ट नहीं बन सका; आँकड़े ऊपर हैं।)",
    "stats_today": "आज के प्रश्न (UTC)",
    "stats_gaps": "जिनका सीधा उत्तर नहीं मिला, उनमें सबसे ज़्यादा पूछे गए (पिछले {days} दिन)",
    "stats_empty": "अभी तक कोई प्रश्न दर्ज नहीं हुआ।",
    "stats_skipped": "शुरू होने के बाद से छोड़े गए अपठनीय अपडेट",
    # /reload और /gaps
    "reload_done": (
        "पैक फिर से लोड हुआ: संस्करण {version}, {entries} प्रविष्टियाँ, ओवरले से {phrasings} "
        "वाक्यांश, {seconds} सेकंड में।"
    ),
    "reload_refused": (
        "पैक फिर से लोड नहीं हुआ: मैं अब भी संस्करण {version} से उत्तर दे रहा हूँ। इन्हें ठीक करके /reload फिर भेजिए:"
    ),
    "gaps_empty": "देखने को कोई कमी नहीं: लॉग में ऐसा कोई अनुत्तरित प्रश्न नहीं जिस पर निर्णय बाकी हो।",
    "gaps_heading": "जिन प्रश्नों का पैक ने सीधा उत्तर नहीं दिया, सबसे ज़्यादा पूछे गए पहले",
    "gaps_cluster": "{count} बार पूछा गया",
    "gaps_also": "ऐसे भी पूछा गया",
    "gaps_add": "{entry} के वाक्यांश के रूप में जोड़ें",
    "gaps_ignore": "अनदेखा करें",
    "gaps_added": (
        "“{wording}” को {entry} के वाक्यांश के रूप में जोड़ा गया; अब से इसका उत्तर मिलेगा "
        "(संस्करण {version})। इसे पैक में कॉपी कीजिए: faqbot gaps --accepted इसे दिखाता है।"
    ),
    "gaps_rejected": "नहीं जोड़ा गया; पैक पहले जैसा है:",
    "gaps_ignored": "अनदेखा किया: /gaps “{wording}” को फिर नहीं दिखाएगा।",
    "gaps_expired": "ये बटन किसी रीस्टार्ट या पुराने /gaps से पहले के हैं; /gaps फिर भेजिए।",
    # daily facts
    "daily_admins_only": "इस ग्रुप का दैनिक तथ्य केवल इसके एडमिन बदल सकते हैं।",
    "daily_time_usage": (
        "दैनिक तथ्य के लिए दिन का समय भेजिए, जैसे /daily 07:30 (7pm और 19:00 भी चलेंगे)। "
        "/daily off से यह बंद हो जाता है।"
    ),
    "daily_timezone_usage": (
        "कोई टाइमज़ोन नाम या UTC ऑफ़सेट भेजिए, जैसे /timezone Asia/Tokyo या /timezone +05:30।"
    ),
    "daily_none": (
        "इस चैट को कोई दैनिक तथ्य नहीं मिलता। हर दिन 07:30 ({zone}) पर एक तथ्य के लिए "
        "/daily 07:30 भेजिए; /timezone से टाइमज़ोन बदलता है।"
    ),
    "daily_paused": (
        "{at} ({zone}) का दैनिक तथ्य रुका हुआ है: टेलीग्राम इसे यहाँ नहीं पहुँचा रहा था। फिर से "
        "शुरू करने के लिए /daily {at} भेजिए।"
    ),
    "daily_active": (
        "इस चैट को हर दिन {at} ({zone}) पर एक तथ्य मिलता है। /daily HH:MM से समय बदलता है, "
        "/daily off से यह बंद होता है, /timezone से टाइमज़ोन तय होता है।"
    ),
    "daily_stopped": "दैनिक तथ्य बंद कर दिए गए।",
    "daily_had_none": "इस चैट में कोई दैनिक तथ्य चालू नहीं था।",
    "daily_start_again": "फिर से शुरू करने के लिए /daily 07:30 भेजिए।",
    "daily_bad_time": "मैं {argument} को दिन के समय के रूप में नहीं पढ़ पाया।",
    "daily_timezone_is": "इस चैट का टाइमज़ोन {zone} है।",
    "daily_timezone_unknown": "मैं {argument} नाम का कोई टाइमज़ोन नहीं जानता।",
    "daily_timezone_set": "टाइमज़ोन {zone} कर दिया गया।",
    "daily_quiz_none": (
        "इस चैट में कोई दैनिक क्विज़ नहीं है। हर दिन 20:00 ({zone}) पर एक राउंड के लिए "
        "/daily quiz 20:00 भेजिए।"
    ),
    "daily_quiz_active": (
        "इस चैट में हर दिन {at} ({zone}) पर दैनिक क्विज़ होता है, इसकी क्विज़ सेटिंग के साथ: "
        "प्रति राउंड प्रश्न: {questions}, प्रति प्रश्न सेकंड: {seconds} (/quizsettings से बदलिए)। "
        "/daily quiz HH:MM समय बदलता है, /daily quiz off इसे बंद करता है।"
    ),
    "daily_quiz_paused": (
        "{at} ({zone}) का दैनिक क्विज़ रुका हुआ है: टेलीग्राम इसे यहाँ नहीं पहुँचा रहा। "
        "फिर से शुरू करने के लिए /daily quiz {at} भेजिए।"
    ),
    "daily_quiz_stopped": "दैनिक क्विज़ बंद हो गया। फिर से शुरू करने के लिए /daily quiz 20:00 भेजिए।",
    "daily_quiz_had_none": "इस चैट में कोई दैनिक क्विज़ नहीं था। शुरू करने के लिए /daily quiz 20:00 भेजिए।",
    "daily_quiz_bad_time": (
        "मैं {argument} को दिन का समय नहीं समझ पाया। दैनिक क्विज़ का समय भेजिए, जैसे "
        "/daily quiz 20:00 (8pm भी चलेगा)। /daily quiz off इसे बंद करता है।"
    ),
    "daily_quiz_admins_only": "इस ग्रुप का दैनिक क्विज़ केवल इसके एडमिन बदल सकते हैं।",
    "daily_quiz_no_items": "इस ज्ञान-पैक में क्विज़ के प्रश्न नहीं हैं, इसलिए इसमें दैनिक क्विज़ नहीं है।",
    "daily_quiz_status_title": "दैनिक क्विज़",
    "daily_quiz_status": (
        "सदस्य: {subscribers} (सक्रिय: {active})\n"
        "आज (UTC) शुरू हुए राउंड: {started} ({unconfirmed} अपुष्ट)\n"
        "जारी: {pending}\n"
        "आज (UTC) की विफलताएँ: {failed} पुनः प्रयास समाप्त होने पर भी नहीं पहुँचे, {stopped} चैट "
        "जिन्होंने बॉट को ब्लॉक किया या हटाया"
    ),
    "broadcast_title": "दैनिक तथ्य",
    "broadcast_subscribers": "सदस्य: {subscribers} (सक्रिय: {active})",
    "broadcast_sent": "आज भेजे गए तथ्य (UTC): {sent}",
    "broadcast_unconfirmed": "{count} अपुष्ट: भेजने का उत्तर नहीं मिला और दोबारा नहीं भेजा गया",
    "broadcast_under_way": (
        "प्रगति में: {pending} भेजे जा रहे हैं या दोबारा कोशिश की प्रतीक्षा में; {unrecorded} पहुँच "
        "गए पर अभी डेटाबेस में दर्ज नहीं हुए"
    ),
    "broadcast_failures": (
        "आज की विफलताएँ (UTC): {failed} कोशिशें ख़त्म होने पर भी नहीं पहुँचे, {stopped} चैट जिन्होंने "
        "बॉट को ब्लॉक किया या हटा दिया"
    ),
    "broadcast_undelivered": "पिछले {days} दिनों में नहीं पहुँचे: {count}",
    # quiz
    "quiz_usage": (
        "एक राउंड के लिए /quiz, पाँच प्रश्नों के लिए /quiz 5, किसी एक विषय पर पाँच प्रश्नों के लिए "
        "/quiz exercises 5 (1 से {most} प्रश्न), विषयों की सूची के लिए /quiz topics, या राउंड "
        "ख़त्म करने के लिए /quiz stop भेजिए।"
    ),
    "quiz_no_items": "इस नॉलेज पैक में क्विज़ के प्रश्न नहीं हैं।",
    "quiz_no_round": "यहाँ कोई क्विज़ राउंड नहीं चल रहा।",
    "quiz_stop_refused": "यह राउंड केवल इसे शुरू करने वाला या चैट का कोई एडमिन रोक सकता है।",
    "quiz_review_in_group": (
        "आपका दोहराव निजी है, इसलिए यह मेरे साथ निजी चैट में होता है: बटन दबाइए, फिर Start।"
    ),
    "quiz_review_button": "📝 मेरी गलतियाँ दोहराएँ",
    "quiz_read_answer_button": "📖 उत्तर पढ़िए",
    "quiz_top_usage": (
        "इस सप्ताह के लिए /top, इस महीने के लिए /top month, या अब तक के लिए /top all भेजिए।"
    ),
    "quiz_busy": (
        "यहाँ पहले से एक राउंड चल रहा है ({total} में से {asked} पूछे गए)। इसे ख़त्म करने के लिए /quiz stop भेजिए।"
    ),
    "quiz_bad_count": "एक राउंड में 1 से {most} प्रश्न होते हैं, इसलिए {typed} नहीं चलेगा। /quiz 5 आज़माइए।",
    "quiz_unknown_topic": "मेरे पास {typed} नाम का कोई क्विज़ विषय नहीं है।",
    "quiz_topics_list": "सूची के लिए /quiz topics भेजिए।",
    "quiz_closest_topic": ("क्या आपका मतलब {title} था? /quiz {id} भेजिए, या सूची के लिए /quiz topics।"),
    "quiz_ambiguous_topic": "{typed} कई विषयों से मेल खाता है। इनमें से कोई एक भेजिए: {choices}।",
    "quiz_fewer_on_topic": "{title} में {count} प्रश्न हैं, इसलिए राउंड में {count} प्रश्न होंगे।",
    "quiz_fewer_on_topic_one": "{title} में {count} प्रश्न है, इसलिए राउंड में {count} प्रश्न होगा।",
    "quiz_no_items_on_topic": ("{title} में अभी क्विज़ के प्रश्न नहीं हैं। सूची के लिए /quiz topics भेजिए।"),
    "quiz_topics_title": "क्विज़ के विषय",
    "quiz_topics_hint": "राउंड के लिए एक संख्या जोड़िए, जैसे /quiz exercises 3।",
    "quiz_revealed": "✅ उत्तर: {correct}",
    "quiz_review_stopped": "दोहराव रोका गया",
    "quiz_review_done": "दोहराव पूरा",
    "quiz_review_summary": (
        "{asked} में से {right} सही। जो छूट गए, वे अगले /review में फिर आएँगे; जो सही हुए, वे बाद में आएँगे।"
    ),
    "quiz_round_stopped": "राउंड रोका गया",
    "quiz_round_over": "राउंड समाप्त",
    "quiz_round_after": "{total} में से {asked} प्रश्नों के बाद।",
    "quiz_winner": "🏆 विजेता: {names} ({best} सही)",
    "quiz_winners": "🏆 विजेता: {names} ({best} सही)",
    "quiz_names_and_more": "{names} और {count} अन्य",
    "quiz_player_left": "{name} (ग्रुप छोड़ चुके)",
    "quiz_more": "…और {count} अन्य।",
    "quiz_fastest": "⚡ सबसे तेज़ सही उत्तर: {name}, {seconds} सेकंड",
    "quiz_nobody": "किसी ने उत्तर नहीं दिया।",
    "quiz_see_week": "इस सप्ताह की रैंकिंग के लिए /top भेजिए।",
    "quiz_score": "{answered} में से {correct} सही",
    "quiz_score_timing": ", औसतन {seconds} सेकंड",
    "quiz_title_week": "इस सप्ताह की क्विज़ रैंकिंग",
    "quiz_title_month": "इस महीने की क्विज़ रैंकिंग",
    "quiz_title_all": "अब तक की क्विज़ रैंकिंग",
    "quiz_board_empty": "इस चैट में अभी तक क्विज़ का कोई उत्तर नहीं। शुरू करने के लिए /quiz भेजिए।",
    "quiz_board_empty_week": "इस सप्ताह यहाँ अभी तक क्विज़ का कोई उत्तर नहीं। शुरू करने के लिए /quiz भेजिए।",
    "quiz_board_empty_month": "इस महीने यहाँ अभी तक क्विज़ का कोई उत्तर नहीं। शुरू करने के लिए /quiz भेजिए।",
    "quiz_not_played": "आपने यहाँ अभी तक कोई क्विज़ उत्तर नहीं दिया।",
    "quiz_not_played_week": "आपने इस सप्ताह यहाँ कोई क्विज़ उत्तर नहीं दिया।",
    "quiz_not_played_month": "आपने इस महीने यहाँ कोई क्विज़ उत्तर नहीं दिया।",
    "quiz_board_you": "आप: {players} खिलाड़ियों में #{rank}",
    "quiz_week_starts": "सप्ताह सोमवार 00:00 बजे शुरू होता है। /top month, /top all",
    "quiz_week_title": "{week} से शुरू सप्ताह: क्विज़ की अंतिम रैंकिंग",
    "quiz_week_winner": "🏆 सप्ताह के विजेता: {names}",
    "quiz_week_winners": "🏆 सप्ताह के विजेता: {names}",
    "quiz_more_players": "…और {count} अन्य खिलाड़ी।",
    "quiz_new_week": "नया सप्ताह शुरू हो गया: खेलने के लिए /quiz, इसकी रैंकिंग के लिए /top।",
    "quiz_record_none": "आपने अभी तक किसी क्विज़ का उत्तर नहीं दिया। खेलने के लिए /quiz भेजिए।",
    "quiz_record_title": "आपका क्विज़ रिकॉर्ड",
    "quiz_record": "{where} में {score}।\nजिनमें गलती हुई, उन्हें दोहराने के लिए /review भेजिए।",
    "quiz_one_chat": "1 चैट",
    "quiz_chats": "{count} चैट",
    "quiz_settings_title": "क्विज़ सेटिंग",
    "quiz_settings_seconds": "हर प्रश्न के लिए सेकंड: {value}",
    "quiz_settings_questions": "हर राउंड में प्रश्न: {value}",
    "quiz_settings_explanation_shown": "उत्तर के बाद व्याख्या: दिखाई जाती है",
    "quiz_settings_explanation_hidden": "उत्तर के बाद व्याख्या: छिपी रहती है",
    "quiz_settings_usage": (
        "बटनों से सेटिंग बदलिए, या /quizsettings seconds 45, /quizsettings questions 5, या "
        "/quizsettings explanation off भेजिए।"
    ),
    "quiz_settings_admins_only": "इस ग्रुप की क्विज़ सेटिंग केवल इसके एडमिन बदल सकते हैं।",
    "quiz_settings_changed_since": "इस बीच ये सेटिंग बदल गईं; अब ये ऐसी हैं।",
    "quiz_settings_saved": "सहेज लिया।",
    "quiz_button_seconds": "{value} से.",
    "quiz_button_questions": "{value} प्र.",
    "quiz_button_explanation_on": "व्याख्या चालू",
    "quiz_button_explanation_off": "व्याख्या बंद",
    "quiz_bad_setting": (
        "मैं {typed} का प्रयोग नहीं कर सकता: सेकंड {low} से {high} तक, प्रश्न 1 से {most} तक, "
        "और व्याख्या चालू (on) या बंद (off) हो सकती है।"
    ),
    "quiz_nothing_yet": (
        "अभी दोहराने को कुछ नहीं। /quiz के कुछ प्रश्नों के उत्तर दीजिए: जो छूटेंगे, वे यहाँ लौटेंगे।"
    ),
    "quiz_nothing_now": "अभी दोहराने को कुछ नहीं। आपका अगला दोहराव {when} होगा।",
    "quiz_in_a_minute": "लगभग एक मिनट में",
    "quiz_in_minutes": "लगभग {count} मिनट में",
    "quiz_in_hours": "लगभग {count} घंटे में",
    "quiz_in_days": "लगभग {count} दिन में",
    # /language
    "language_name_en": "अंग्रेज़ी (English)",
    "language_name_hi": "हिंदी",
    "language_name_auto": "स्वचालित",
    "language_is": "मैं आपको {language} में उत्तर देता हूँ।",
    "language_group_is": "इस ग्रुप में मैं अपनी ओर से जो भेजता हूँ, वह {language} में होता है।",
    "language_usage": (
        "अंग्रेज़ी के लिए /language en, हिंदी के लिए /language hi, या /language auto भेजिए: "
        "देवनागरी में पूछे गए प्रश्न का उत्तर हिंदी में, बाकी का अंग्रेज़ी में, और बाकी सब आपके "
        "टेलीग्राम ऐप की भाषा में।"
    ),
    "language_set": "हो गया: अब से मैं आपको {language} में उत्तर दूँगा।",
    "language_set_auto": (
        "हो गया: प्रश्न का उत्तर उसी लिपि में दूँगा जिसमें वह लिखा है, और बाकी सब आपके टेलीग्राम ऐप की भाषा में।"
    ),
    "language_group_set": "हो गया: इस ग्रुप में मैं अपनी ओर से जो भेजूँगा, वह {language} में होगा।",
    "language_group_set_auto": (
        "हो गया: इस ग्रुप में मैं अपनी ओर से जो भेजूँगा, वह नॉलेज पैक की मुख्य भाषा में होगा।"
    ),
    "language_unknown": "मैं {argument} भाषा नहीं बोलता।",
    "language_not_in_pack": "यह नॉलेज पैक केवल {languages} में है।",
    "language_admins_only": (
        "इस ग्रुप की भाषा केवल इसके एडमिन चुन सकते हैं। अपनी भाषा के लिए मुझे निजी चैट में /language भेजिए।"
    ),
    # the command menu
    "menu_start": "स्वागत और उदाहरण प्रश्न",
    "menu_help": "बॉट का उपयोग कैसे करें",
    "menu_ask": "प्रश्न पूछिए: /ask जिमेक्स क्या है",
    "menu_fact": "नॉलेज बेस से कोई एक तथ्य",
    "menu_topics": "जिन प्रश्नों के उत्तर मैं देता हूँ, उन्हें विषय के अनुसार देखिए",
    "menu_daily": "हर दिन एक तथ्य या क्विज़: /daily 07:30, /daily quiz 20:00, /daily off, /daily",
    "menu_timezone": "दैनिक तथ्यों के लिए इस चैट का टाइमज़ोन: /timezone Asia/Kolkata या +05:30",
    "menu_quiz": "क्विज़ पोल: /quiz, /quiz 5, /quiz exercises 5, /quiz topics, /quiz stop",
    "menu_top": "क्विज़ रैंकिंग: /top (इस सप्ताह), /top month, /top all",
    "menu_quizsettings": "क्विज़ सेटिंग: हर प्रश्न के सेकंड, राउंड का आकार, व्याख्या",
    "menu_review": "जिन क्विज़ प्रश्नों में गलती हुई, उन्हें दोहराइए",
    "menu_language": "अंग्रेज़ी या हिंदी में उत्तर: /language en, hi या auto",
    "menu_privacy": "मैं आपके बारे में क्या रखता हूँ, और कब तक",
    "menu_forget": "मेरे पास रखा आपका डेटा मिटाइए",
}

CATALOGUES: dict[str, dict[Key, str]] = {"en": ENGLISH, "hi": HINDI}
DEFAULT = "en"
# Month names for dates the bot writes in a sentence ("08 Sep", "08 सितंबर"): strftime's %b
# follows the process locale, which is English whatever the reader's language.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "hi": (
        "जनवरी",
        "फ़रवरी",
        "मार्च",
        "अप्रैल",
        "मई",
        "जून",
        "जुलाई",
        "अगस्त",
        "सितंबर",
        "अक्टूबर",
        "नवंबर",
        "दिसंबर",
    ),
}


def say(language: str, key: Key, /, **values: object) -> str:
    """The sentence `key` in `language` (English for a language without a catalogue)."""
    return CATALOGUES.get(language, ENGLISH)[key].format(**values)


def day_month(language: str, day: date) -> str:
    """A day and its month in `language` ("08 Sep", "08 सितंबर")."""
    return f"{day:%d} {MONTHS.get(language, MONTHS[DEFAULT])[day.month - 1]}"


def menu_description(language: str, command: str) -> str | None:
    """The command menu's description of /command in `language`, if the catalogue has one."""
    catalogue = cast(Mapping[str, str], CATALOGUES.get(language, ENGLISH))
    return catalogue.get(f"menu_{command}")
