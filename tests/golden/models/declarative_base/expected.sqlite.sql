CREATE TABLE users (
	id INTEGER NOT NULL, 
	email VARCHAR, 
	hashed_password VARCHAR, 
	is_active BOOLEAN, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE INDEX ix_users_id ON users (id);

CREATE TABLE tags (
	id INTEGER NOT NULL, 
	label VARCHAR(30) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE items (
	id INTEGER NOT NULL, 
	title VARCHAR, 
	description TEXT, 
	owner_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(owner_id) REFERENCES users (id)
);

CREATE INDEX ix_items_id ON items (id);

CREATE INDEX ix_items_title ON items (title);

