import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, INET, JSONB, TSVECTOR, UUID

db = SQLAlchemy()


class Document(db.Model):
    id = db.Column(UUID(as_uuid=True), primary_key=True, server_default=sa.text("gen_random_uuid()"))
    data = db.Column(JSONB, nullable=False, server_default=sa.text("'{}'::jsonb"))
    meta = db.Column(postgresql.JSON)
    tags = db.Column(ARRAY(db.String(20)))
    grid = db.Column(postgresql.ARRAY(sa.Integer, dimensions=2))
    origin = db.Column(INET)
    search = db.Column(TSVECTOR)
    raw = db.Column(postgresql.BYTEA)
    ratio = db.Column(postgresql.DOUBLE_PRECISION)
    at = db.Column(postgresql.TIMESTAMP(timezone=True))
    mood = db.Column(postgresql.ENUM("sad", "ok", "happy", name="mood"))
