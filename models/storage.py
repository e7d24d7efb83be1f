"""Physical storage: containers (box, folder, shelf ...) with a location. A description may sit
in several containers and a container may hold many descriptions (AtoM's physical objects)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model
from models.base import NEVER_REUSED


class Container(Model):
    __tablename__ = "containers"
    __table_args__ = (Index("ix_containers_name", "name"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    container_type: Mapped[str | None] = mapped_column(String(64))  # "Box", "Folder", "Shelf" ...
    name: Mapped[str] = mapped_column(String(255))  # its number or name: "3", "Example Box"
    location: Mapped[str | None] = mapped_column(Text)
    # EAD's container/@label: how the file names it beside type and number; ArchivesSpace writes
    # the instance type and the barcode there ("Mixed Materials (39002042785937)").
    label: Mapped[str | None] = mapped_column(String(255))
    # EAD's container/@parent: a folder inside a box.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id", ondelete="SET NULL"), index=True)

    @property
    def display_name(self) -> str:
        """ "Box 3", or the name alone when it has no type."""
        return f"{self.container_type} {self.name}" if self.container_type else self.name


class DescriptionContainer(Model):
    __tablename__ = "description_containers"

    description_id: Mapped[int] = mapped_column(
        ForeignKey("archival_descriptions.id", ondelete="CASCADE"), primary_key=True
    )
    # (indexed: an Undo asks which containers nothing holds any more)
    container_id: Mapped[int] = mapped_column(
        ForeignKey("containers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
