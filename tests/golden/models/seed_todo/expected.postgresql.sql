CREATE TABLE "user" (
	id SERIAL NOT NULL, 
	username VARCHAR NOT NULL, 
	email VARCHAR, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);

