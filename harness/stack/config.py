"""What a stack is made of: the WordPress versions on offer, the implementations under test, and
the paths and names every other part of the harness refers to. Each is written here once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "wordpress-stack" / "compose.yaml"
REFERENCE_PLUGIN = ROOT / "reference" / "igny8-wp-plugin"
REFERENCE_BACKEND_IMAGE = "igny8/backend:reference"
PLUGIN_MAIN_FILE = "igny8-wp-plugin.php"  # the handbook's name for this plugin (README, spec/)
LABEL = "com.igny8.harness"  # on every container, network and volume the harness makes

# WordPress version -> the Debian suite that packages it (ENVIRONMENT.md). The first is the default.
WORDPRESS_SUITES = {"6.1": "bookworm", "6.8": "trixie"}
DEFAULT_WORDPRESS = next(iter(WORDPRESS_SUITES))

# The plugin's request timeout in the stack (FAIL-2): shorter than the plugin's default 10 s so
# that the hung-backend scenario costs seconds, not tens of them.
PLUGIN_HTTP_TIMEOUT = 3


@dataclass
class StackConfig:
    """What a stack runs. None in a field means the default (the reference, the default WordPress)."""

    wordpress: str = DEFAULT_WORDPRESS
    plugin_dir: str = str(REFERENCE_PLUGIN)
    backend_image: str = REFERENCE_BACKEND_IMAGE
    plugin_file: str = PLUGIN_MAIN_FILE  # the plugin's main file, from its manifest
    keep: bool = False

    def __post_init__(self) -> None:
        self.wordpress = self.wordpress or DEFAULT_WORDPRESS
        self.plugin_dir = self.plugin_dir or str(REFERENCE_PLUGIN)
        self.backend_image = self.backend_image or REFERENCE_BACKEND_IMAGE
        self.plugin_file = self.plugin_file or PLUGIN_MAIN_FILE
        if self.wordpress not in WORDPRESS_SUITES:
            raise ValueError(f"WordPress {self.wordpress!r} is not offered; choose one of {', '.join(WORDPRESS_SUITES)}")
        plugin = Path(self.plugin_dir)
        if not (plugin / self.plugin_file).is_file():
            raise ValueError(f"{plugin} is not a plugin directory: it has no {self.plugin_file} (its manifest's plugin_file)")
        self.plugin_dir = str(plugin.resolve())

    @property
    def suite(self) -> str:
        return WORDPRESS_SUITES[self.wordpress]

    @property
    def builds_backend(self) -> bool:
        """The reference backend's image is built from this checkout; any other is used as given."""
        return self.backend_image == REFERENCE_BACKEND_IMAGE
