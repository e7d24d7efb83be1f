"""Database models, one module per aggregate."""

from models.description import ArchivalDescription, PublicationStatus
from models.finding_aid import FindingAid
from models.job import Job, JobStatus
from models.rights import RightsStatement
from models.user import LoginFailure, Role, User
from models.worker import WorkerProcess

__all__ = [
    "ArchivalDescription",
    "FindingAid",
    "PublicationStatus",
    "Job",
    "JobStatus",
    "LoginFailure",
    "RightsStatement",
    "Role",
    "User",
    "WorkerProcess",
]
