CREATE TABLE user (
	id INTEGER NOT NULL, 
	username VARCHAR NOT NULL, 
	email VARCHAR, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);

