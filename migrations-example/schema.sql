-- The schema db.create_all() makes for models.py on SQLite, byte for byte (as
-- Debian 12's Flask-SQLAlchemy 3.0 / SQLAlchemy 1.4 write it): a tab before each
-- column, ", " at the end of each line, tables in dependency order.

CREATE TABLE user (
	id INTEGER NOT NULL, 
	username VARCHAR(80) NOT NULL, 
	email VARCHAR(120) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username), 
	UNIQUE (email)
);

CREATE TABLE "group" (
	id INTEGER NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);

CREATE TABLE association (
	user_id INTEGER, 
	group_id INTEGER, 
	FOREIGN KEY(user_id) REFERENCES user (id), 
	FOREIGN KEY(group_id) REFERENCES "group" (id)
);

CREATE TABLE post (
	id INTEGER NOT NULL, 
	title VARCHAR(80) NOT NULL, 
	content TEXT NOT NULL, 
	user_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES user (id)
);

CREATE TABLE run (
	id INTEGER NOT NULL, 
	distance FLOAT NOT NULL, 
	mood VARCHAR(50), 
	user_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES user (id)
);
