import enum

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Status(enum.Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = 3


class Priority(str, enum.Enum):
    low = "l"
    high = "h"


class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.Enum(Status), nullable=False)
    priority = db.Column(sa.Enum(Priority, name="ticket_priority"))
    kind = db.Column(db.Enum("bug", "feature", "question", name="ticket_kind"))
    plain = db.Column(db.Enum("x", "yy", name="plain_kind", native_enum=False))


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.Enum(Status))
