"""The schema versions faqbot kept with PRAGMA user_version before Alembic owned the schema.

Frozen: a SQLite database a released faqbot wrote (user_version 1 to LEGACY_HEAD) is brought to
LEGACY_HEAD with exactly the SQL that release ran, then handed to Alembic at the baseline
revision (faqbot/storage/migrate.py). Never edit these; new schema changes are Alembic revisions.
"""

from __future__ import annotations

# Each migration moved the schema from version N-1 to N.
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE question_log (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            chat_type TEXT NOT NULL,
            question TEXT NOT NULL,
            status TEXT NOT NULL,
            entry_id TEXT,
            score REAL NOT NULL
        );
        CREATE INDEX question_log_status ON question_log (status, asked_at);
        """,
    ),
    (
        2,
        # Daily facts (faqbot.storage.daily).
        """
        CREATE TABLE daily_subscription (
            chat_id INTEGER PRIMARY KEY,
            timezone TEXT NOT NULL,
            -- local time of day, HH:MM:SS; NULL: the chat chose a timezone but gets no fact
            send_at TEXT,
            -- UTC moment send_at was set: a fact missed during downtime is owed only after it
            scheduled_since TEXT,
            -- 0 once Telegram refused delivery (bot blocked, kicked, account deactivated)
            active INTEGER NOT NULL DEFAULT 1,
            stopped_reason TEXT,
            cycle INTEGER NOT NULL DEFAULT 1,
            last_entry_id TEXT,
            -- the chat's local date of its last fact, YYYY-MM-DD: one fact per local day
            last_sent_on TEXT
        );
        CREATE TABLE daily_sent (
            chat_id INTEGER NOT NULL
                REFERENCES daily_subscription (chat_id) ON UPDATE CASCADE ON DELETE CASCADE,
            cycle INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            PRIMARY KEY (chat_id, cycle, entry_id)
        ) WITHOUT ROWID;
        CREATE TABLE daily_delivery (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            chat_id INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX daily_delivery_outcome ON daily_delivery (outcome, at);
        """,
    ),
    (
        3,
        # Quiz polls, answers, scores and review boxes (faqbot.storage.quiz).
        """
        -- open polls only: a row is deleted when its poll closes, with its answers
        CREATE TABLE quiz_poll (
            poll_id TEXT PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            correct_option INTEGER NOT NULL,
            opened_at REAL NOT NULL,
            closes_at REAL NOT NULL
        ) WITHOUT ROWID;
        -- who answered an open poll: a PollAnswer delivered twice counts once
        CREATE TABLE quiz_answer (
            poll_id TEXT NOT NULL REFERENCES quiz_poll (poll_id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            PRIMARY KEY (poll_id, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE quiz_score (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            answered INTEGER NOT NULL DEFAULT 0,
            correct INTEGER NOT NULL DEFAULT 0,
            -- summed answer time of the correct answers, in seconds
            correct_seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (chat_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX quiz_score_user ON quiz_score (user_id);
        -- one Leitner box per user and quiz item; item_key is QuizItem.key
        CREATE TABLE review_box (
            user_id INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            box INTEGER NOT NULL,
            due_at REAL NOT NULL,
            PRIMARY KEY (user_id, item_key)
        ) WITHOUT ROWID;
        """,
    ),
    (
        4,
        # A daily fact being delivered (faqbot.storage.daily): written before its first send,
        # removed in the same transaction that records its outcome.
        """
        CREATE TABLE daily_pending (
            chat_id INTEGER PRIMARY KEY
                REFERENCES daily_subscription (chat_id) ON UPDATE CASCADE ON DELETE CASCADE,
            -- the chat's local date the fact is for, YYYY-MM-DD
            local_day TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            cycle INTEGER NOT NULL,
            -- messages the fact takes, and how many of them Telegram has accepted
            parts INTEGER NOT NULL,
            parts_sent INTEGER NOT NULL DEFAULT 0,
            -- of parts_sent, those whose send went unanswered and counted as delivered
            parts_unsure INTEGER NOT NULL DEFAULT 0,
            -- 1 from just before a send until its outcome is written: after a crash, that
            -- part may or may not have reached the chat
            sending INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL
        );
        """,
    ),
    (
        5,
        # Scores become dated results, so a week's or a month's standings are a query; each
        # all-time counter of version 3 becomes one result dated 0 (before any week), so no
        # score is lost. Group quiz settings, and the weeks whose standings are owed.
        """
        CREATE TABLE quiz_result (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            -- Unix time the answer reached the bot; 0 for scores carried over from version 3
            at REAL NOT NULL,
            answered INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            -- summed answer time of the correct answers, in seconds
            correct_seconds REAL NOT NULL
        );
        CREATE INDEX quiz_result_chat ON quiz_result (chat_id, at);
        CREATE INDEX quiz_result_user ON quiz_result (user_id);
        -- who has played in a chat: the name last seen, and when they left the chat, if they did
        CREATE TABLE quiz_player (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            left_at REAL,
            PRIMARY KEY (chat_id, user_id)
        ) WITHOUT ROWID;
        INSERT INTO quiz_result (chat_id, user_id, at, answered, correct, correct_seconds)
            SELECT chat_id, user_id, 0, answered, correct, correct_seconds FROM quiz_score;
        INSERT INTO quiz_player (chat_id, user_id, name)
            SELECT chat_id, user_id, name FROM quiz_score;
        DROP TABLE quiz_score;
        -- a chat's quiz settings; NULL: the bot's default. version counts changes, so a
        -- settings button pressed on an older message is refused instead of undoing a change
        CREATE TABLE quiz_settings (
            chat_id INTEGER PRIMARY KEY,
            open_period INTEGER,
            round_size INTEGER,
            show_explanation INTEGER,
            language TEXT,
            version INTEGER NOT NULL DEFAULT 0
        );
        -- the weeks (local Monday, YYYY-MM-DD) in which a group ran a quiz; posted once its
        -- standings went out after the week closed
        CREATE TABLE quiz_week (
            chat_id INTEGER NOT NULL,
            week_start TEXT NOT NULL,
            posted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (chat_id, week_start)
        ) WITHOUT ROWID;
        CREATE INDEX quiz_week_unposted ON quiz_week (week_start) WHERE posted = 0;
        """,
    ),
    (
        6,
        # The language the bot speaks to each user and in each group (faqbot.storage.languages).
        """
        CREATE TABLE language_setting (
            -- a user's id (also their private chat's) or a group's chat id (negative)
            id INTEGER PRIMARY KEY,
            -- what /language chose: a language code, or 'auto'; NULL: never chosen
            chosen TEXT CHECK (chosen = 'auto' OR length(chosen) = 2),
            -- a user's Telegram app language as last seen, reduced to one the pack has: the
            -- guess for what the bot posts unasked (daily facts) while chosen is auto or NULL
            telegram TEXT CHECK (length(telegram) = 2)
        ) WITHOUT ROWID;
        """,
    ),
    (
        7,
        # Updates the webhook took (faqbot.storage.webhook_updates): one Telegram delivers again
        # is handled once. Rows go once Telegram would no longer redeliver them.
        """
        CREATE TABLE webhook_update (
            update_id INTEGER PRIMARY KEY,
            -- Unix times: first arrival, and when handling last started
            received_at REAL NOT NULL,
            claimed_at REAL NOT NULL,
            -- NULL while being handled (or if the process handling it died)
            handled_at REAL
        );
        CREATE INDEX webhook_update_received ON webhook_update (received_at);
        """,
    ),
    (
        8,
        # Daily quizzes beside daily facts (faqbot.storage.daily): a chat's schedules, what a
        # chat has been sent this cycle and what is being delivered are keyed on (chat, kind).
        # Every row so far is a fact's. The old tables are renamed first, so their foreign keys
        # follow them and dropping them cascades into nothing new.
        """
        ALTER TABLE daily_pending RENAME TO daily_pending_old;
        ALTER TABLE daily_sent RENAME TO daily_sent_old;
        ALTER TABLE daily_subscription RENAME TO daily_subscription_old;
        CREATE TABLE daily_subscription (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL DEFAULT 'fact' CHECK (kind IN ('fact', 'quiz')),
            -- the chat's timezone; /timezone sets it on every kind of the chat at once
            timezone TEXT NOT NULL,
            -- local time of day, HH:MM:SS; NULL: the chat chose a timezone but gets none
            send_at TEXT,
            -- UTC moment send_at was set: a delivery missed during downtime is owed only after
            scheduled_since TEXT,
            -- 0 once Telegram refused delivery (bot blocked, kicked, account deactivated)
            active INTEGER NOT NULL DEFAULT 1,
            stopped_reason TEXT,
            cycle INTEGER NOT NULL DEFAULT 1,
            last_entry_id TEXT,
            -- the chat's local date of its last delivery, YYYY-MM-DD: one per local day
            last_sent_on TEXT,
            PRIMARY KEY (chat_id, kind)
        );
        CREATE TABLE daily_sent (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            cycle INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            PRIMARY KEY (chat_id, kind, cycle, entry_id),
            FOREIGN KEY (chat_id, kind) REFERENCES daily_subscription (chat_id, kind)
                ON UPDATE CASCADE ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE TABLE daily_pending (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            -- the chat's local date the delivery is for, YYYY-MM-DD
            local_day TEXT NOT NULL,
            -- the fact's entry; a quiz's rounds are chosen by the quiz, so it is empty
            entry_id TEXT NOT NULL,
            cycle INTEGER NOT NULL,
            -- messages the delivery takes, and how many of them Telegram has accepted
            parts INTEGER NOT NULL,
            parts_sent INTEGER NOT NULL DEFAULT 0,
            -- of parts_sent, those whose send went unanswered and counted as delivered
            parts_unsure INTEGER NOT NULL DEFAULT 0,
            -- 1 from just before a send until its outcome is written: after a crash, that
            -- part may or may not have reached the chat
            sending INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, kind),
            FOREIGN KEY (chat_id, kind) REFERENCES daily_subscription (chat_id, kind)
                ON UPDATE CASCADE ON DELETE CASCADE
        );
        INSERT INTO daily_subscription (chat_id, kind, timezone, send_at, scheduled_since,
                active, stopped_reason, cycle, last_entry_id, last_sent_on)
            SELECT chat_id, 'fact', timezone, send_at, scheduled_since, active, stopped_reason,
                cycle, last_entry_id, last_sent_on
            FROM daily_subscription_old;
        INSERT INTO daily_sent (chat_id, kind, cycle, entry_id)
            SELECT chat_id, 'fact', cycle, entry_id FROM daily_sent_old;
        INSERT INTO daily_pending (chat_id, kind, local_day, entry_id, cycle, parts, parts_sent,
                parts_unsure, sending, started_at)
            SELECT chat_id, 'fact', local_day, entry_id, cycle, parts, parts_sent, parts_unsure,
                sending, started_at
            FROM daily_pending_old;
        DROP TABLE daily_pending_old;
        DROP TABLE daily_sent_old;
        DROP TABLE daily_subscription_old;
        ALTER TABLE daily_delivery ADD COLUMN kind TEXT NOT NULL DEFAULT 'fact';
        DROP INDEX daily_delivery_outcome;
        CREATE INDEX daily_delivery_outcome ON daily_delivery (kind, outcome, at);
        """,
    ),
    (
        9,
        # The question log's feedback and privacy (faqbot.storage.questions): who asked, as a
        # keyed hash only (HMAC-SHA256 with FAQBOT_LOG_KEY, or the key kept in `meta`); the
        # chat, hashed the same way, and the bot's reply, so a card's buttons find their row;
        # the language of the reply; the suggestion tapped; 👍/👎 and what a 👎 was looking for.
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        ALTER TABLE question_log ADD COLUMN user_hash TEXT;
        ALTER TABLE question_log ADD COLUMN chat_hash TEXT;
        -- the bot's message carrying the card's buttons
        ALTER TABLE question_log ADD COLUMN message_id INTEGER;
        ALTER TABLE question_log ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
        -- the entry whose button the asker pressed under "Did you mean…?" (the first one)
        ALTER TABLE question_log ADD COLUMN tapped_id TEXT;
        -- 1: 👍, -1: 👎, NULL: not rated
        ALTER TABLE question_log ADD COLUMN rating INTEGER CHECK (rating IN (-1, 1));
        -- what a 👎 said the asker was looking for
        ALTER TABLE question_log ADD COLUMN feedback TEXT;
        -- the answer shown, as a short digest: a rating of an answer since changed is refused
        ALTER TABLE question_log ADD COLUMN answer_version TEXT;
        CREATE INDEX question_log_user ON question_log (user_hash);
        CREATE INDEX question_log_card ON question_log (chat_hash, message_id);
        CREATE INDEX question_log_asked ON question_log (asked_at);
        """,
    ),
]

LEGACY_HEAD = MIGRATIONS[-1][0]
