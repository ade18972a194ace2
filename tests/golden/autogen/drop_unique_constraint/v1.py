from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False)
    first = db.Column(db.String(40))
    last = db.Column(db.String(40))
    __table_args__ = (db.UniqueConstraint('first', 'last', name='uq_user_name'),)
