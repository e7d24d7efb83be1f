"""Browse and view archival descriptions; launch, download, upload and delete finding aids; rights."""

from blueprints.descriptions import finding_aids, search, views
from blueprints.descriptions.blueprint import bp

__all__ = ["bp", "finding_aids", "search", "views"]
