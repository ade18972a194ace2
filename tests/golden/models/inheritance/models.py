from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    type = db.Column(db.String(20))
    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}


class Engineer(Employee):
    # single-table: no primary key of its own, columns go to employee
    language = db.Column(db.String(30))
    level = db.Column(db.Integer, nullable=False, unique=True)
    __mapper_args__ = {"polymorphic_identity": "engineer"}


class Manager(Employee):
    # joined-table: its own primary key, a table named by Flask-SQLAlchemy
    id = db.Column(db.Integer, db.ForeignKey("employee.id"), primary_key=True)
    budget = db.Column(db.Numeric(10, 2))
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Director(Manager):
    __tablename__ = "director_table"
    id = db.Column(db.Integer, db.ForeignKey("manager.id"), primary_key=True)
    office = db.Column(db.String(10))
    __mapper_args__ = {"polymorphic_identity": "director"}
