# use_alter=True on a composite ForeignKeyConstraint, unnamed, closing a
# cycle between two tables defined child first: the parent table is created
# first only because the constraint is left out of the order. PostgreSQL gets
# ALTER TABLE ... ADD FOREIGN KEY after the tables; SQLite keeps it inline.
import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Revision(db.Model):
    __tablename__ = "revision"
    __table_args__ = (
        sa.ForeignKeyConstraint(["doc_id", "doc_lang"], ["document.id", "document.lang"]),
    )
    id = db.Column(db.Integer, primary_key=True)
    doc_id = db.Column(db.Integer, nullable=False)
    doc_lang = db.Column(db.String(5), nullable=False)
    body = db.Column(db.Text)


class Document(db.Model):
    __tablename__ = "document"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["current_id"], ["revision.id"], use_alter=True, ondelete="SET NULL"
        ),
    )
    id = db.Column(db.Integer, primary_key=True)
    lang = db.Column(db.String(5), primary_key=True)
    current_id = db.Column(db.Integer)
