"""Where the test data lives, for tests at any depth of the tree."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
MARKUP_PACK = DATA / "markup_pack.yaml"  # a pack with markup, long answers and odd characters
QUESTIONS = DATA / "questions.yaml"  # the labelled question set
UNSEEN_DEV = DATA / "unseen-dev.yaml"  # questions written from the source note: tune on these
UNSEEN_TEST = DATA / "unseen-test.yaml"  # ... and report these, never tuned on
UNSEEN_DEV_FRESH = DATA / "unseen-dev-fresh.yaml"  # a later dev batch, from the note alone
UNSEEN_DEV_FRESH2 = DATA / "unseen-dev-fresh2.yaml"  # a second later dev batch
UNSEEN_DEV_FRESH3 = DATA / "unseen-dev-fresh3.yaml"  # a third later dev batch
HINDI_DEV = DATA / "hindi-dev.yaml"  # Devanagari questions: tune on these
HINDI_DEV_FRESH4 = DATA / "hindi-dev-fresh4.yaml"  # a fourth later Hindi dev batch
HINDI_TEST = DATA / "hindi-test.yaml"  # ... and report these, never tuned on
