import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, text
from sqlalchemy.sql import expression

db = SQLAlchemy()


class Defaults(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), server_default="anon", nullable=False)
    quoted = db.Column(db.String(20), server_default="it's")
    zero = db.Column(db.Integer, server_default=text("0"))
    num_str = db.Column(db.Integer, server_default="5")
    created = db.Column(db.DateTime, server_default=func.now())
    updated = db.Column(db.DateTime, server_default=db.func.now(), onupdate=db.func.now())
    stamp = db.Column(db.DateTime, server_default=sa.func.current_timestamp())
    today = db.Column(db.Date, server_default=func.current_date())
    active = db.Column(db.Boolean, server_default=sa.true(), nullable=False)
    deleted = db.Column(db.Boolean, server_default=sa.false())
    hidden = db.Column(db.Boolean, server_default=expression.false())
    lowered = db.Column(db.String(10), server_default=func.lower("ABC"))
    raw = db.Column(db.String(10), server_default=text("'raw'"))
    py_default = db.Column(db.Integer, default=7)
    fetched = db.Column(db.Integer, server_default=db.FetchedValue())
