# Build stage: dependencies first, so a source change does not reinstall them.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY pyproject.toml README.md ./
# The image runs on SQLite or PostgreSQL (FAQBOT_DATABASE), so it carries the postgresql extra.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgresql']))" > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt
COPY faqbot ./faqbot
RUN pip install --no-cache-dir --no-deps .

# Runtime stage: the virtualenv only, run as an unprivileged user.
FROM python:3.11-slim
# /data holds the SQLite database; /home/faqbot/data the phrasings accepted from /gaps
# (overlay.yaml) when the database is PostgreSQL.
RUN useradd --create-home --uid 10001 faqbot \
    && mkdir /data /home/faqbot/data \
    && chown faqbot:faqbot /data /home/faqbot/data
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    FAQBOT_DATABASE=/data/faqbot.sqlite3
VOLUME ["/data"]
USER 10001
WORKDIR /home/faqbot
CMD ["faqbot", "run"]
