from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=convention))


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(100), unique=True)
    handle = db.Column(db.String(30), index=True)


class Book(db.Model):
    __table_args__ = (
        db.CheckConstraint("pages > 0", name="pages_positive"),
        db.UniqueConstraint("title", "author_id"),
        db.UniqueConstraint("isbn", name="explicit_isbn"),
    )
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100))
    isbn = db.Column(db.String(13))
    pages = db.Column(db.Integer)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))
    editor_id = db.Column(db.Integer, db.ForeignKey("author.id", name="explicit_editor_fk"))
    code = db.Column(db.String(10), unique=True, index=True)
