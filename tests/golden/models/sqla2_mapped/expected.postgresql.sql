CREATE TYPE color AS ENUM ('RED', 'GREEN');

CREATE TABLE user_account (
	id SERIAL NOT NULL, 
	name VARCHAR(30) NOT NULL, 
	fullname VARCHAR, 
	nickname VARCHAR(64), 
	score FLOAT NOT NULL, 
	balance NUMERIC NOT NULL, 
	born DATE NOT NULL, 
	seen TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL, 
	active BOOLEAN NOT NULL, 
	token UUID NOT NULL, 
	avatar BYTEA, 
	color color NOT NULL, 
	prefs VARCHAR(200) NOT NULL, 
	big BIGINT, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_user_account_nickname UNIQUE (nickname)
);

CREATE INDEX ix_user_account_token ON user_account (token);

CREATE TABLE address (
	id SERIAL NOT NULL, 
	email_address VARCHAR NOT NULL, 
	user_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES user_account (id)
);

