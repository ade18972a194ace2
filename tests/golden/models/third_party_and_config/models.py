import sqlalchemy as sa
import sqlalchemy_utils
from flask_sqlalchemy import SQLAlchemy
from myapp.types import MoneyType, Point
from sqlalchemy_utils import ChoiceType, EmailType, JSONType, URLType, UUIDType
from sqlalchemy_utils.types.arrow import ArrowType

db = SQLAlchemy()


class Customer(db.Model):
    id = db.Column(UUIDType(binary=False), primary_key=True)
    email = db.Column(EmailType, unique=True, nullable=False)
    site = db.Column(URLType)
    prefs = db.Column(JSONType)
    tier = db.Column(ChoiceType([("a", "A"), ("b", "B")], impl=sa.String(1)))
    kind = db.Column(ChoiceType([("x", "X")]))
    joined = db.Column(ArrowType)
    locale = db.Column(sqlalchemy_utils.LocaleType)
    legacy_id = db.Column(UUIDType())
    balance = db.Column(MoneyType(), nullable=False)
    where = db.Column(Point)
