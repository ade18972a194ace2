#import the SQLALchemy class from this module
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
#Create a Flask application object and set the URI for the database to use
app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///mydatabase.db'
app.config['SQLALCHEMY_COMMIT_ON_TEARDOWN'] = True

db = SQLAlchemy(app)

#create the models
class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String, unique=True, nullable=False)
    email = db.Column(db.String)

#CREATE THE TABLES
with app.app_context():
    db.create_all()
