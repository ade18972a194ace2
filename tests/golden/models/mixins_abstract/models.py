from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import declared_attr

db = SQLAlchemy()


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)
    updated_at = db.Column(db.DateTime, onupdate=datetime.utcnow)


class IdMixin(object):
    id = db.Column(db.Integer, primary_key=True)


class OwnedMixin:
    @declared_attr
    def owner_id(cls):
        return db.Column(db.Integer, db.ForeignKey("person.id"), nullable=False)


class NamedTableMixin:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower()


class BaseModel(db.Model):
    __abstract__ = True
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(40), unique=True)


class Person(BaseModel, TimestampMixin):
    name = db.Column(db.String(80))


class Document(IdMixin, OwnedMixin, TimestampMixin, db.Model):
    title = db.Column(db.String(200), unique=True)


class LineItem(NamedTableMixin, IdMixin, db.Model):
    qty = db.Column(db.Integer)
