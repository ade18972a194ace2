# A foreign-key cycle broken the documented way: ForeignKey(use_alter=True).
# team.captain_id is left out of the table order (team comes first although
# it refers to player) and, on PostgreSQL, added by ALTER TABLE after both
# tables; SQLite cannot ALTER one in, so it stays inside CREATE TABLE.
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Team(db.Model):
    __tablename__ = "team"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), nullable=False)
    captain_id = db.Column(
        db.Integer,
        db.ForeignKey("player.id", use_alter=True, name="fk_team_captain", ondelete="SET NULL"),
    )


class Player(db.Model):
    __tablename__ = "player"
    id = db.Column(db.Integer, primary_key=True)
    team_id = db.Column(db.Integer, db.ForeignKey("team.id", use_alter=False), nullable=False)
    mentor_id = db.Column(db.Integer, db.ForeignKey("player.id", match=None))


class Fixture(db.Model):
    __tablename__ = "fixture"
    id = db.Column(db.Integer, primary_key=True)
    home_id = db.Column(db.Integer, db.ForeignKey("team.id"), nullable=False)
    referee_id = db.Column(db.Integer, db.ForeignKey("player.id"))
