import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import types
from sqlalchemy.types import Unicode

db = SQLAlchemy()


class Everything(db.Model):
    __tablename__ = "everything"
    id = db.Column(db.BigInteger, primary_key=True)
    i = db.Column(db.Integer)
    si = db.Column(db.SmallInteger)
    b = db.Column(db.Boolean)
    s = db.Column(db.String(40))
    s_kw = db.Column(sa.String(length=12))
    u = db.Column(Unicode(20))
    t = db.Column(db.Text)
    ut = db.Column(db.UnicodeText)
    f = db.Column(db.Float)
    f53 = db.Column(db.Float(53))
    n = db.Column(db.Numeric(10, 2))
    n_p = db.Column(db.Numeric(precision=8))
    dt = db.Column(db.DateTime)
    dtz = db.Column(db.DateTime(timezone=True))
    d = db.Column(db.Date)
    tm = db.Column(db.Time)
    iv = db.Column(db.Interval)
    lb = db.Column(db.LargeBinary)
    pk = db.Column(db.PickleType)
    js = db.Column(db.JSON)
    ch = db.Column(sa.CHAR(3))
    vc = db.Column(sa.VARCHAR(9))
    up_int = db.Column(sa.INTEGER)
    up_bigint = db.Column(sa.BIGINT)
    up_text = db.Column(sa.TEXT)
    up_ts = db.Column(sa.TIMESTAMP)
    up_tstz = db.Column(sa.TIMESTAMP(timezone=True))
    up_dec = db.Column(sa.DECIMAL(12, 4))
    up_real = db.Column(sa.REAL)
    up_num = db.Column(sa.NUMERIC(5, 1))
    up_nvarchar = db.Column(sa.NVARCHAR(30))
    up_blob = db.Column(sa.BLOB)
    up_varbinary = db.Column(sa.VARBINARY(16))
    up_date = db.Column(sa.DATE)
    up_time = db.Column(sa.TIME)
    up_bool = db.Column(sa.BOOLEAN)
    up_float = db.Column(sa.FLOAT)
    via_types = db.Column(types.String(7))
