"""Database models, one module per aggregate."""

from models.authority import AuthorityRecord, EntityType, Event
from models.changes import ChangeKind, RecordChange, VocabularyChange
from models.description import ArchivalDescription, PublicationStatus
from models.description_parts import AlternativeIdentifier, DescriptionName, DescriptionTerm, Note
from models.finding_aid import FindingAid
from models.job import Job, JobStatus
from models.login_failure import LoginFailure
from models.notification import NoticeKind, Notification
from models.rights import RightsStatement
from models.schedule import Overlap, Schedule
from models.storage import Container, DescriptionContainer
from models.user import Role, User
from models.vocabulary import LevelOfDescription, Repository, Taxonomy, Term
from models.worker import WorkerProcess

__all__ = [
    "AlternativeIdentifier",
    "ArchivalDescription",
    "AuthorityRecord",
    "ChangeKind",
    "Container",
    "DescriptionContainer",
    "DescriptionName",
    "DescriptionTerm",
    "EntityType",
    "Event",
    "FindingAid",
    "Job",
    "JobStatus",
    "LevelOfDescription",
    "LoginFailure",
    "Note",
    "NoticeKind",
    "Notification",
    "Overlap",
    "PublicationStatus",
    "RecordChange",
    "Repository",
    "RightsStatement",
    "Role",
    "Schedule",
    "Taxonomy",
    "Term",
    "User",
    "VocabularyChange",
    "WorkerProcess",
]
