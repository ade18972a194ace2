import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)

followers = sa.Table(
    "followers",
    db.metadata,
    sa.Column("follower_id", sa.Integer, sa.ForeignKey("post.id")),
    sa.Column("followed_id", sa.Integer, sa.ForeignKey("post.id")),
    sa.UniqueConstraint("follower_id", "followed_id"),
)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100))
    body = db.Column(db.Text)
    tags = db.relationship("Tag", secondary=tags, backref=db.backref("posts", lazy="dynamic"))


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(30))


db.Index("ix_post_title_body", Post.title, Post.body)
sa.Index("ix_followers_followed", followers.c.followed_id, unique=False)
