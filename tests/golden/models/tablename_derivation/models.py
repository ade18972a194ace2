from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
Model = db.Model


class HTTPResponseCode2(Model):
    id = db.Column(db.Integer, primary_key=True)


class OAuth2Token(Model):
    id = db.Column(db.Integer, primary_key=True)


class UserProfile(Model):
    id = db.Column(db.Integer, primary_key=True)


class SomeXMLParser(Model):
    id = db.Column(db.Integer, primary_key=True)


class IPv4Address(Model):
    id = db.Column(db.Integer, primary_key=True)


class Explicit(Model):
    __tablename__ = "explicit_name"
    id = db.Column(db.Integer, primary_key=True)
