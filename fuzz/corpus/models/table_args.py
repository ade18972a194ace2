from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, UniqueConstraint, text

db = SQLAlchemy()


class Account(db.Model):
    __tablename__ = "account"
    id = db.Column(db.Integer, primary_key=True)
    org = db.Column(db.String(20), nullable=False)
    code = db.Column(db.String(20), nullable=False)


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (
        db.PrimaryKeyConstraint("account_id", "role", name="membership_pk"),
        UniqueConstraint("account_id", "org", name="uq_member_org"),
        CheckConstraint("level >= 0", name="level_positive"),
        ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE", name="fk_member_account"),
        Index("ix_member_level", "level"),
        Index("ix_member_active", "org", "level", unique=True, postgresql_where=text("level > 0")),
        {"comment": "who belongs where"},
    )
    account_id = db.Column(db.Integer)
    role = db.Column(db.String(10))
    org = db.Column(db.String(20), unique=True)
    level = db.Column(db.Integer, nullable=False, index=True)
    boss_id = db.Column(db.Integer, db.ForeignKey("account.id", ondelete="SET NULL", onupdate="CASCADE"), unique=True)


class Audit(db.Model):
    __table_args__ = {"schema": "audit"}
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("account.id", name="fk_audit_account", deferrable=True, initially="DEFERRED"))


class Entry(db.Model):
    __table_args__ = (UniqueConstraint("a", "b"), CheckConstraint("a <> b"))
    id = db.Column(db.Integer, primary_key=True)
    audit_id = db.Column(db.Integer, db.ForeignKey("audit.audit.id"))
    a = db.Column(db.Integer)
    b = db.Column(db.Integer)
