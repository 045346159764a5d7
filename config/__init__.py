"""The watch: brands and sources read from watch.toml, validated before anything runs."""

from config.options import Option
from config.watch import (
    Brand,
    CollectSettings,
    ConfigError,
    Source,
    UISettings,
    Watch,
    default_config_path,
    default_db_path,
    load_ui,
    load_watch,
    local_twin,
    store_target,
)

__all__ = [
    "Brand",
    "CollectSettings",
    "ConfigError",
    "Option",
    "Source",
    "UISettings",
    "Watch",
    "default_config_path",
    "default_db_path",
    "load_ui",
    "load_watch",
    "local_twin",
    "store_target",
]
