import json

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.types import TypeDecorator

db = SQLAlchemy()


class JSONText(TypeDecorator):
    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(value)


class LowerString(TypeDecorator):
    impl = db.String


class Money(sa.types.TypeDecorator):
    impl = sa.Numeric(12, 2)


class Cents(Money):
    pass


class Wallet(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    data = db.Column(JSONText)
    owner = db.Column(LowerString(64), nullable=False)
    balance = db.Column(Money())
    spare = db.Column(Cents)
