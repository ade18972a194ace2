from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Parent(db.Model):
    id = db.Column(db.Integer, primary_key=True)


class Child(db.Model):
    id = db.Column(db.Integer, db.ForeignKey("parent.id"), primary_key=True)
    code = db.Column("child_code", db.String(8), nullable=False, comment="the code")
    parent_ref = db.Column(db.ForeignKey("parent.id"))
    flag = db.Column(db.Boolean, unique=True, index=True)
    notes = db.Column(db.Text, nullable=True, doc="free text")


class Pair(db.Model):
    left = db.Column(db.Integer, primary_key=True)
    right = db.Column(db.String(5), primary_key=True)


class Counter(db.Model):
    id = db.Column(db.BigInteger, primary_key=True, autoincrement=True)
    small = db.Column(db.SmallInteger)


class Manual(db.Model):
    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
