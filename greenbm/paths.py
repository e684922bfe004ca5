"""Where the project's shared folders are: every file lookup starts from here."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
SEEDS_DIR = PROJECT_ROOT / "seeds"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_INSTANCE_DIR = PROJECT_ROOT / "instance"
