from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __table_args__ = {'comment': 'people who log in'}
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False)
